/**
 * A structural check of an OpenAPI 3.1 document: the parts of the specification's object model
 * this API uses, each field where it belongs with the type it must have, every path template
 * variable declared, every security requirement and `$ref` resolvable. Answers the problems
 * found (none: valid).
 */
const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];
const PATH_ITEM_FIELDS = ["$ref", "summary", "description", "servers", "parameters", ...METHODS];
const OPERATION_FIELDS = [
  "tags",
  "summary",
  "description",
  "externalDocs",
  "operationId",
  "parameters",
  "requestBody",
  "responses",
  "callbacks",
  "deprecated",
  "security",
  "servers",
];
const RESPONSE_FIELDS = ["description", "headers", "content", "links"];
const PARAMETER_LOCATIONS = ["path", "query", "header", "cookie"];
const SECURITY_TYPES = ["apiKey", "http", "mutualTLS", "oauth2", "openIdConnect"];
const JSON_TYPES = ["string", "number", "integer", "boolean", "object", "array", "null"];
const MEDIA_TYPE = /^[\w.+-]+\/[\w.+-]+$/;
const STATUS = /^(default|[1-5](\d\d|XX))$/;

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);

export function openApiProblems(document: unknown): string[] {
  const problems: string[] = [];
  const problem = (where: string, what: string) => problems.push(`${where}: ${what}`);
  if (!isObject(document)) return ["the document is not an object"];

  if (typeof document.openapi !== "string" || !/^3\.1\.\d+$/.test(document.openapi))
    problem("openapi", "must be 3.1.x");
  const info = document.info;
  if (!isObject(info)) problem("info", "is required");
  else {
    if (typeof info.title !== "string" || !info.title) problem("info.title", "is required");
    if (typeof info.version !== "string" || !info.version) problem("info.version", "is required");
  }
  const schemes = isObject(document.components) ? document.components.securitySchemes : undefined;
  if (schemes !== undefined && !isObject(schemes)) problem("components.securitySchemes", "object");
  for (const [name, scheme] of Object.entries(isObject(schemes) ? schemes : {})) {
    if (!isObject(scheme) || !SECURITY_TYPES.includes(String(scheme.type)))
      problem(`securitySchemes.${name}`, "has no valid type");
    else if (scheme.type === "http" && typeof scheme.scheme !== "string")
      problem(`securitySchemes.${name}`, "http needs a scheme");
  }
  const checkSecurity = (where: string, security: unknown) => {
    if (!Array.isArray(security)) return problem(where, "must be an array");
    for (const requirement of security) {
      if (!isObject(requirement)) problem(where, "requirement must be an object");
      else
        for (const [name, scopes] of Object.entries(requirement)) {
          if (!isObject(schemes) || !(name in schemes)) problem(where, `unknown scheme ${name}`);
          if (!Array.isArray(scopes)) problem(where, `scopes of ${name} must be an array`);
        }
    }
  };
  if (document.security !== undefined) checkSecurity("security", document.security);

  const checkSchema = (where: string, schema: unknown) => {
    if (typeof schema === "boolean") return;
    if (!isObject(schema)) return problem(where, "schema must be an object or a boolean");
    const types = schema.type === undefined ? [] : [schema.type].flat();
    for (const type of types)
      if (!JSON_TYPES.includes(String(type))) problem(where, `unknown type ${String(type)}`);
    for (const key of ["properties", "$defs", "patternProperties"] as const) {
      if (schema[key] === undefined) continue;
      if (!isObject(schema[key])) problem(`${where}.${key}`, "must be an object");
      else
        for (const [name, sub] of Object.entries(schema[key]))
          checkSchema(`${where}.${key}.${name}`, sub);
    }
    for (const key of ["items", "additionalProperties", "not"] as const)
      if (schema[key] !== undefined) checkSchema(`${where}.${key}`, schema[key]);
    for (const key of ["anyOf", "oneOf", "allOf", "prefixItems"] as const) {
      if (schema[key] === undefined) continue;
      if (!Array.isArray(schema[key])) problem(`${where}.${key}`, "must be an array");
      else
        for (const [index, sub] of schema[key].entries())
          checkSchema(`${where}.${key}.${index}`, sub);
    }
    if (schema.required !== undefined && !Array.isArray(schema.required))
      problem(`${where}.required`, "must be an array");
  };
  const checkContent = (where: string, content: unknown) => {
    if (!isObject(content) || Object.keys(content).length === 0)
      return problem(where, "must map media types to media type objects");
    for (const [type, media] of Object.entries(content)) {
      if (!MEDIA_TYPE.test(type)) problem(where, `bad media type ${type}`);
      if (!isObject(media)) problem(`${where}.${type}`, "must be an object");
      else if (media.schema !== undefined) checkSchema(`${where}.${type}.schema`, media.schema);
    }
  };

  if (!isObject(document.paths)) return [...problems, "paths: is required"];
  const operationIds = new Set<string>();
  for (const [path, item] of Object.entries(document.paths)) {
    if (!path.startsWith("/")) problem(path, "a path must start with /");
    if (!isObject(item)) {
      problem(path, "path item must be an object");
      continue;
    }
    for (const key of Object.keys(item))
      if (!PATH_ITEM_FIELDS.includes(key) && !key.startsWith("x-"))
        problem(path, `unknown field ${key}`);
    const variables = [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1] as string);
    for (const method of METHODS.filter((m) => item[m] !== undefined)) {
      const where = `${method.toUpperCase()} ${path}`;
      const operation = item[method];
      if (!isObject(operation)) {
        problem(where, "operation must be an object");
        continue;
      }
      for (const key of Object.keys(operation))
        if (!OPERATION_FIELDS.includes(key) && !key.startsWith("x-"))
          problem(where, `unknown field ${key}`);
      if (operation.tags !== undefined) {
        if (!Array.isArray(operation.tags) || operation.tags.some((t) => typeof t !== "string"))
          problem(where, "tags must be strings");
      }
      if (operation.operationId !== undefined) {
        if (operationIds.has(String(operation.operationId)))
          problem(where, "operationId used twice");
        operationIds.add(String(operation.operationId));
      }
      const parameters = operation.parameters ?? [];
      if (!Array.isArray(parameters)) problem(where, "parameters must be an array");
      const seen = new Set<string>();
      const pathParameters: string[] = [];
      for (const parameter of Array.isArray(parameters) ? parameters : []) {
        if (!isObject(parameter) || typeof parameter.name !== "string") {
          problem(where, "a parameter needs a name");
          continue;
        }
        const at = `${where} parameter ${parameter.name}`;
        if (!PARAMETER_LOCATIONS.includes(String(parameter.in))) problem(at, "bad in");
        if (seen.has(`${parameter.in}:${parameter.name}`)) problem(at, "declared twice");
        seen.add(`${parameter.in}:${parameter.name}`);
        if (parameter.required !== undefined && typeof parameter.required !== "boolean")
          problem(at, "required must be a boolean");
        if (parameter.in === "path") {
          pathParameters.push(parameter.name);
          if (parameter.required !== true) problem(at, "a path parameter must be required");
        }
        if ((parameter.schema === undefined) === (parameter.content === undefined))
          problem(at, "needs a schema or a content, not both");
        if (parameter.schema !== undefined) checkSchema(`${at}.schema`, parameter.schema);
      }
      if ([...pathParameters].sort().join() !== [...variables].sort().join())
        problem(where, `path parameters ${pathParameters} do not match the template`);
      if (operation.requestBody !== undefined) {
        const body = operation.requestBody;
        if (!isObject(body)) problem(where, "requestBody must be an object");
        else {
          checkContent(`${where} requestBody.content`, body.content);
          if (body.required !== undefined && typeof body.required !== "boolean")
            problem(where, "requestBody.required must be a boolean");
        }
      }
      const responses = operation.responses;
      if (!isObject(responses) || Object.keys(responses).length === 0)
        problem(where, "needs at least one response");
      for (const [status, response] of Object.entries(isObject(responses) ? responses : {})) {
        const at = `${where} response ${status}`;
        if (!STATUS.test(status)) problem(at, "bad status code");
        if (!isObject(response) || typeof response.description !== "string") {
          problem(at, "needs a description");
          continue;
        }
        for (const key of Object.keys(response))
          if (!RESPONSE_FIELDS.includes(key) && !key.startsWith("x-"))
            problem(at, `unknown field ${key}`);
        if (response.content !== undefined) checkContent(`${at}.content`, response.content);
      }
      if (operation.security !== undefined) checkSecurity(`${where} security`, operation.security);
    }
  }

  const resolves = (pointer: string) => {
    if (!pointer.startsWith("#")) return true;
    let node: unknown = document;
    for (const raw of pointer.slice(1).split("/").slice(1)) {
      const key = decodeURIComponent(raw).replaceAll("~1", "/").replaceAll("~0", "~");
      if (!isObject(node) && !Array.isArray(node)) return false;
      node = (node as Json)[key];
      if (node === undefined) return false;
    }
    return true;
  };
  const walk = (node: unknown, where: string) => {
    if (Array.isArray(node)) {
      for (const [index, child] of node.entries()) walk(child, `${where}/${index}`);
    } else if (isObject(node))
      for (const [key, value] of Object.entries(node)) {
        if (key === "$ref" && (typeof value !== "string" || !resolves(value)))
          problem(where, `unresolvable $ref ${String(value)}`);
        walk(value, `${where}/${key}`);
      }
  };
  walk(document, "#");
  return problems;
}

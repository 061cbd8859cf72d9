const REDACTED = "[redacted]";

/**
 * What a name looks like: a name that does not (`?bob@example.org`) is more likely a value
 * sent without one, so it is redacted too.
 */
const PARAMETER_NAME = /^[A-Za-z_][\w.-]{0,63}$/;

/**
 * A request URL as the log may keep it: the path, and of the query only the parameter names,
 * since values carry email addresses and whatever tokens a client puts there.
 */
export function loggableUrl(url: string): string {
  const mark = url.indexOf("?");
  if (mark === -1) return url;
  const parameters = url
    .slice(mark + 1)
    .split("&")
    .filter((parameter) => parameter !== "")
    .map((parameter) => {
      const equals = parameter.indexOf("=");
      const name = equals === -1 ? parameter : parameter.slice(0, equals);
      const shownName = PARAMETER_NAME.test(name) ? name : REDACTED;
      return equals === -1 ? shownName : `${shownName}=${REDACTED}`;
    });
  return `${url.slice(0, mark)}?${parameters.join("&")}`;
}

import { describe, expect, it } from "vitest";
import { ImportInputError, type ImportRow } from "../../../src/application/index.js";
import { csvRows } from "../../../src/interfaces/shared-import/csv-rows.js";
import { formatOfFileName, importRows } from "../../../src/interfaces/shared-import/index.js";
import { lines } from "../../../src/interfaces/shared-import/lines.js";
import { ndjsonRows } from "../../../src/interfaces/shared-import/ndjson-rows.js";

type Chunk = Uint8Array | string;

async function collect<T>(rows: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const row of rows) all.push(row);
  return all;
}

/** The input as chunks of `size` bytes, cutting through lines and UTF-8 sequences alike. */
function inChunksOf(text: string, size: number): Buffer[] {
  const bytes = Buffer.from(text, "utf8");
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += size) chunks.push(bytes.subarray(at, at + size));
  return chunks;
}

/** An input that records how many chunks were pulled from it, to prove rows come as it is read. */
function tracked(chunks: Chunk[]) {
  const state = { pulled: 0, finished: false, returned: false };
  async function* source() {
    try {
      for (const chunk of chunks) {
        state.pulled++;
        yield chunk;
      }
      state.finished = true;
    } finally {
      if (!state.finished) state.returned = true;
    }
  }
  return { state, input: source() };
}

const user = (line: number, fields: Record<string, unknown>): ImportRow =>
  ({ line, user: fields }) as unknown as ImportRow;

const rejected = (line: number, error: RegExp | string) => ({
  line,
  error: typeof error === "string" ? error : expect.stringMatching(error),
});

describe("lines", () => {
  it("numbers every physical line from 1 and drops CR before LF and a leading BOM", async () => {
    const all = await collect(lines(["\ufeffa\r\n\nb\r", "\nc"]));
    expect(all).toEqual([
      { line: 1, text: "a" },
      { line: 2, text: "" },
      { line: 3, text: "b" },
      { line: 4, text: "c" },
    ]);
    expect(await collect(lines(["a\n"]))).toEqual([{ line: 1, text: "a" }]);
    expect(await collect(lines([]))).toEqual([]);
    expect(await collect(lines([""]))).toEqual([]);
  });

  it("rejects a line longer than the limit without keeping it, and goes on after it", async () => {
    const long = "x".repeat(40);
    const all = await collect(lines(["ok\n", long.slice(0, 20), `${long.slice(20)}\nnext\n`], 30));
    expect(all).toEqual([
      { line: 1, text: "ok" },
      { line: 2, error: "the line is longer than 30 bytes" },
      { line: 3, text: "next" },
    ]);
    expect(await collect(lines([`ok\n${long}`], 30))).toEqual([
      { line: 1, text: "ok" },
      { line: 2, error: "the line is longer than 30 bytes" },
    ]);
    const huge = ["a\n", ...Array.from({ length: 64 }, () => "z".repeat(64 * 1024)), "\nb"];
    expect(await collect(lines(huge))).toEqual([
      { line: 1, text: "a" },
      { line: 2, error: "the line is longer than 1048576 bytes" },
      { line: 3, text: "b" },
    ]);
    expect(await collect(lines([`${"y".repeat(30)}\n`], 30))).toEqual([
      { line: 1, text: "y".repeat(30) },
    ]);
  });

  it("rejects a line that is not UTF-8 and reads the others", async () => {
    const bad = Buffer.concat([Buffer.from("a"), Buffer.from([0xff, 0xfe]), Buffer.from("\nb\n")]);
    expect(await collect(lines([bad]))).toEqual([
      { line: 1, error: "the line is not valid UTF-8" },
      { line: 2, text: "b" },
    ]);
  });

  it("joins a character whose bytes arrive in two chunks", async () => {
    const chunks = inChunksOf("é€😀\n", 1);
    expect(await collect(lines(chunks))).toEqual([{ line: 1, text: "é€😀" }]);
    const bytes = new Uint8Array(Buffer.from("a\nb"));
    expect(await collect(lines([bytes]))).toEqual([
      { line: 1, text: "a" },
      { line: 2, text: "b" },
    ]);
  });
});

describe("ndjsonRows", () => {
  it("reads one user a line, skipping blank lines but counting them", async () => {
    const text = [
      '{"userId":1,"email":"a@x.org","username":"ann","firstName":"Ann","lastName":"Lee","name":"Ann Lee"}',
      "",
      "   ",
      '{"userId":2}',
      '  {"userId": 3, "email": ""}  ',
    ].join("\r\n");
    expect(await collect(ndjsonRows([`\ufeff${text}`]))).toEqual([
      user(1, {
        userId: 1,
        email: "a@x.org",
        username: "ann",
        firstName: "Ann",
        lastName: "Lee",
        name: "Ann Lee",
      }),
      user(4, { userId: 2 }),
      user(5, { userId: 3, email: "" }),
    ]);
  });

  it("rejects a line that is not JSON, and keeps the lines around it", async () => {
    const text = '{"userId":1}\n{"userId":2\nnot json\n{"userId":3}\n';
    expect(await collect(ndjsonRows([text]))).toEqual([
      user(1, { userId: 1 }),
      rejected(2, /^not valid JSON: /),
      rejected(3, /^not valid JSON: /),
      user(4, { userId: 3 }),
    ]);
  });

  it("rejects a JSON value that is not an object", async () => {
    const all = await collect(ndjsonRows(['[{"userId":1}]\n"text"\n42\nnull\ntrue\n']));
    expect(all).toEqual(
      [1, 2, 3, 4, 5].map((line) => rejected(line, "must be a JSON object with a userId")),
    );
  });

  it("rejects a bad userId, an unknown field, a field that is not a string or too long", async () => {
    const long = "x".repeat(1001);
    const lines = [
      { email: "a@x.org" },
      { userId: 0 },
      { userId: -4 },
      { userId: 1.5 },
      { userId: "7" },
      { userId: 2 ** 53 },
      { userId: 1, nickname: "n" },
      { userId: 1, email: 42 },
      { userId: 1, email: null },
      { userId: 1, firstName: long },
      { userId: 1, a: 1, b: 2, c: 3, d: 4, e: 5 },
      { userId: 1, __proto__: { x: 1 } },
    ].map((value, index) =>
      index === 11 ? '{"userId":1,"__proto__":{"x":1}}' : JSON.stringify(value),
    );
    const all = await collect(ndjsonRows([lines.join("\n")]));
    expect(all).toEqual([
      rejected(1, "userId is required."),
      rejected(2, "userId must be a positive integer."),
      rejected(3, "userId must be a positive integer."),
      rejected(4, "userId must be a positive integer."),
      rejected(5, "userId must be a positive integer."),
      rejected(6, "userId must be at most 9007199254740991."),
      rejected(7, /^"nickname" is not a known field \(known fields are userId, email/),
      rejected(8, "email must be a string."),
      rejected(9, "email must be a string."),
      rejected(10, "firstName must be at most 1000 characters."),
      rejected(11, /^"a", "b", "c" and 2 more are not known fields/),
      rejected(12, /^"__proto__" is not a known field/),
    ]);
    const fine = await collect(ndjsonRows([JSON.stringify({ userId: 9, name: "y".repeat(1000) })]));
    expect(fine).toEqual([user(1, { userId: 9, name: "y".repeat(1000) })]);
  });

  it("names every problem of a line at once", async () => {
    const [row] = await collect(ndjsonRows(['{"userId":0,"email":3,"x":1}']));
    expect(row).toEqual(
      rejected(1, /^"x" is not a known field .*; userId must be .*; email must be a string\.$/),
    );
  });

  it("gives the same rows whatever the chunks' sizes", async () => {
    const text =
      '{"userId":1,"name":"Zoë €"}\n\nbad\n{"userId":2,"email":"b@x.org"}\r\n{"userId":3}';
    const whole = await collect(ndjsonRows([text]));
    expect(whole).toHaveLength(4);
    for (const size of [1, 2, 3, 5, 7, 64]) {
      expect(await collect(ndjsonRows(inChunksOf(text, size)))).toEqual(whole);
    }
  });

  it("yields rows as the input arrives, and stops reading it when the reader stops", async () => {
    const { state, input } = tracked(['{"userId":1}\n', '{"userId":2}\n', '{"userId":3}\n']);
    const rows = ndjsonRows(input);
    expect((await rows.next()).value).toEqual(user(1, { userId: 1 }));
    expect(state.pulled).toBe(1);
    await rows.return(undefined);
    expect(state.returned).toBe(true);
    expect(state.pulled).toBe(1);
  });
});

describe("csvRows", () => {
  it("reads the header's columns in any order, an empty cell being an absent field", async () => {
    const text =
      "email,userId,name,lastName,firstName,username\na@x.org,1,Ann Lee,Lee,Ann,ann\n,2,,,,\n";
    expect(await collect(csvRows([text]))).toEqual([
      user(2, {
        userId: 1,
        email: "a@x.org",
        username: "ann",
        firstName: "Ann",
        lastName: "Lee",
        name: "Ann Lee",
      }),
      user(3, { userId: 2 }),
    ]);
  });

  it("accepts a header with some of the columns, CRLF, a BOM and no final line break", async () => {
    const text = "\ufeffuserId,email\r\n5,e@x.org\r\n6,f@x.org";
    expect(await collect(csvRows([text]))).toEqual([
      user(2, { userId: 5, email: "e@x.org" }),
      user(3, { userId: 6, email: "f@x.org" }),
    ]);
  });

  it("numbers a record by the line it starts on, quoted line breaks and blank lines counted", async () => {
    const text = [
      "userId,name,email",
      '1,"Lee, Ann","a@x.org"',
      "",
      '2,"two',
      'lines","say ""hi"""',
      "3,,c@x.org",
    ].join("\n");
    expect(await collect(csvRows([text]))).toEqual([
      user(2, { userId: 1, name: "Lee, Ann", email: "a@x.org" }),
      user(4, { userId: 2, name: "two\nlines", email: 'say "hi"' }),
      user(6, { userId: 3, email: "c@x.org" }),
    ]);
  });

  it("rejects a record with the wrong number of fields or a bad user, keeping the others", async () => {
    const long = "z".repeat(1001);
    const text = [
      "userId,email",
      "1,a@x.org",
      "2",
      "3,b@x.org,extra",
      "0,c@x.org",
      "abc,d@x.org",
      "1.5,e@x.org",
      ",f@x.org",
      `4,${long}`,
      "99999999999999999999,g@x.org",
      "5,h@x.org",
    ].join("\n");
    expect(await collect(csvRows([text]))).toEqual([
      user(2, { userId: 1, email: "a@x.org" }),
      rejected(3, "the record has 1 field but the header has 2 fields."),
      rejected(4, "the record has 3 fields but the header has 2 fields."),
      rejected(5, "userId must be a positive integer."),
      rejected(6, "userId must be a positive integer."),
      rejected(7, "userId must be a positive integer."),
      rejected(8, "userId is required."),
      rejected(9, "email must be at most 1000 characters."),
      rejected(10, "userId must be at most 9007199254740991."),
      user(11, { userId: 5, email: "h@x.org" }),
    ]);
  });

  it("rejects an unclosed quote at the line where it opens, keeping the lines before", async () => {
    const text = 'userId,name\n1,a\n2,"never closed\n3,c\n';
    expect(await collect(csvRows([text]))).toEqual([
      user(2, { userId: 1, name: "a" }),
      rejected(3, /Quote Not Closed/),
    ]);
  });

  it("keeps a stray quote inside an unquoted field", async () => {
    const text = 'userId,name\n1,O"Brien\n2,b\n';
    expect(await collect(csvRows([text]))).toEqual([
      user(2, { userId: 1, name: 'O"Brien' }),
      user(3, { userId: 2, name: "b" }),
    ]);
  });

  it.each([
    ["an unknown column", "userId,email,nickname\n1,a@x.org,n\n", /unknown column "nickname"/],
    ["a column given twice", "userId,email,email\n", /column email given twice/],
    ["no userId column", "email,name\na@x.org,A\n", /no userId column/],
    ["a header of known fields in the wrong case", "UserId,email\n", /unknown column "UserId"/],
  ])("refuses the whole input for a header with %s", async (_name, text, message) => {
    const rows = collect(csvRows([text]));
    await expect(rows).rejects.toBeInstanceOf(ImportInputError);
    await expect(collect(csvRows([text]))).rejects.toThrow(message);
  });

  it("refuses the whole input at a record larger than 1 MiB (a quote left open)", async () => {
    const text = `userId,name\n1,a\n2,"${"x".repeat(1024 * 1024 + 10)}\n3,c\n`;
    await expect(collect(csvRows(inChunksOf(text, 64 * 1024)))).rejects.toThrow(
      /^Line 3: .*Max Record Size/,
    );
  });

  it("refuses an empty input, which has no header", async () => {
    await expect(collect(csvRows([]))).rejects.toThrow(/needs a header/);
    await expect(collect(csvRows(["\n\n"]))).rejects.toBeInstanceOf(ImportInputError);
  });

  it("reads a header alone as no rows", async () => {
    expect(await collect(csvRows(["userId,email\n"]))).toEqual([]);
  });

  it("rejects a record with a line that is not UTF-8, whatever the chunks' sizes", async () => {
    const bytes = Buffer.from(
      [
        "userId,name",
        "1,Zo\xc3\xab \xe2\x82\xac \xf0\x9f\x98\x80", // "Zoë € 😀": valid
        "2,\xc3\x28",
        '3,"first\nsecond \xe9"',
        "4,\xed\xa0\x80",
        "5,\xf4\x90\x80\x80", // above U+10FFFF
        "6,ok",
        "7,\xe2\x82",
      ].join("\n"),
      "latin1",
    );
    const expected = [
      user(2, { userId: 1, name: "Zoë € 😀" }),
      rejected(3, "the line is not valid UTF-8"),
      rejected(4, "the line is not valid UTF-8"),
      rejected(6, "the line is not valid UTF-8"),
      rejected(7, "the line is not valid UTF-8"),
      user(8, { userId: 6, name: "ok" }),
      rejected(9, "the line is not valid UTF-8"),
    ];
    for (const size of [1, 2, 3, 5, 7, bytes.length]) {
      const chunks: Buffer[] = [];
      for (let at = 0; at < bytes.length; at += size) chunks.push(bytes.subarray(at, at + size));
      expect(await collect(csvRows(chunks)), `chunks of ${size}`).toEqual(expected);
    }
  });

  it("refuses the whole input when its header is not UTF-8 (a UTF-16 export, say)", async () => {
    const utf16 = Buffer.from("\ufeffuserId,email\n1,a@x.org\n", "utf16le");
    await expect(collect(csvRows([utf16]))).rejects.toThrow("The CSV header is not valid UTF-8.");
    const latin1 = Buffer.from("userId,n\xe4me\n", "latin1");
    await expect(collect(csvRows([latin1]))).rejects.toBeInstanceOf(ImportInputError);
  });

  it("gives the same rows whatever the chunks' sizes", async () => {
    const text =
      'userId,name,email\r\n1,"Zoë, €","a@x.org"\r\n\r\n2,"multi\r\nline",\r\n3\r\n4,d,d@x.org\r\n';
    const whole = await collect(csvRows([text]));
    expect(whole.map((row) => row.line)).toEqual([2, 4, 6, 7]);
    for (const size of [1, 2, 3, 5, 7, 64]) {
      expect(await collect(csvRows(inChunksOf(text, size)))).toEqual(whole);
    }
  });

  it("yields rows as the input arrives, and stops reading it when the reader stops", async () => {
    // Lines of 100 bytes: the streams between hold some 16 kB, far less than the input.
    const name = "n".repeat(90);
    const chunks = [
      "userId,name\n",
      ...Array.from({ length: 5000 }, (_, i) => `${String(i + 1).padStart(8, "0")},${name}\n`),
    ];
    chunks[1] = `1,${name}\n`;
    const { state, input } = tracked(chunks);
    const rows = csvRows(input);
    expect((await rows.next()).value).toEqual(user(2, { userId: 1, name }));
    expect(state.pulled).toBeLessThan(500);
    await rows.return(undefined);
    await new Promise((resolve) => setImmediate(resolve));
    expect(state.finished).toBe(false);
  });

  it("reports an input that fails while being read", async () => {
    async function* failing() {
      yield "userId\n1\n";
      throw new Error("connection reset");
    }
    await expect(collect(csvRows(failing()))).rejects.toThrow("connection reset");
  });
});

describe("importRows and formatOfFileName", () => {
  it("picks the parser of the format", async () => {
    expect(await collect(importRows("csv", ["userId\n7\n"]))).toEqual([user(2, { userId: 7 })]);
    expect(await collect(importRows("ndjson", ['{"userId":7}']))).toEqual([user(1, { userId: 7 })]);
  });

  it("knows the formats by file name", () => {
    expect(formatOfFileName("users.CSV")).toBe("csv");
    expect(formatOfFileName("/tmp/users.ndjson")).toBe("ndjson");
    expect(formatOfFileName("users.jsonl")).toBe("ndjson");
    expect(formatOfFileName("users.txt")).toBeNull();
  });
});

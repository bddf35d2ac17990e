import assert from "node:assert/strict";
import { test } from "node:test";
import {
  type AppOptions,
  formatOptions,
  loggingOptions,
  logLevel,
  numberOption,
  parseAppArgs,
  UsageError,
} from "../../src/apps/args.js";

const options: AppOptions = {
  "calling-aet": { type: "string", aliases: ["aet"], default: "ECHOSCU", help: "our AE title" },
  "called-aet": { type: "string", aliases: ["aec"], default: "ANY-SCP", help: "their AE title" },
  "acse-timeout": { type: "string", aliases: ["ta"], default: "30", help: "seconds" },
  repeat: { type: "string", default: "1", help: "repeat" },
  ...loggingOptions,
};

test("pynetdicom's multi-letter flags are accepted, with a space or an equals sign", () => {
  const { values, positionals } = parseAppArgs(
    ["-aet", "ME", "-aec=PACS", "127.0.0.1", "-ta", "5", "104", "-d"],
    options,
  );
  assert.equal(values["calling-aet"], "ME");
  assert.equal(values["called-aet"], "PACS");
  assert.equal(values["acse-timeout"], "5");
  assert.equal(values.debug, true);
  assert.deepEqual(positionals, ["127.0.0.1", "104"]);
});

test("long flags work and defaults fill the rest", () => {
  const { values } = parseAppArgs(["--calling-aet", "X"], options);
  assert.equal(values["calling-aet"], "X");
  assert.equal(values["called-aet"], "ANY-SCP");
  assert.equal(values.repeat, "1");
});

test("an unknown flag is a usage error", () => {
  assert.throws(() => parseAppArgs(["-zz"], options), UsageError);
  assert.throws(() => parseAppArgs(["--nope"], options), UsageError);
});

test("numberOption checks range and integrality and names the option", () => {
  assert.equal(numberOption({ repeat: "3" }, "repeat", { min: 1, integer: true }), 3);
  assert.equal(numberOption({}, "repeat"), undefined);
  assert.throws(() => numberOption({ repeat: "0" }, "repeat", { min: 1 }), /--repeat must be a number ≥ 1/);
  assert.throws(() => numberOption({ repeat: "1.5" }, "repeat", { integer: true }), /whole number/);
  assert.throws(() => numberOption({ repeat: "x" }, "repeat"), UsageError);
});

test("logLevel follows -q, -d, -v and -ll", () => {
  assert.equal(logLevel(parseAppArgs(["-q"], options).values), "none");
  assert.equal(logLevel(parseAppArgs(["-d"], options).values), "debug");
  assert.equal(logLevel(parseAppArgs(["-v"], options).values), "info");
  assert.equal(logLevel(parseAppArgs(["-ll", "error"], options).values), "error");
  assert.equal(logLevel(parseAppArgs([], options).values), "warn");
  assert.throws(() => logLevel(parseAppArgs(["-ll", "loud"], options).values), UsageError);
});

test("formatOptions lists every flag form", () => {
  const text = formatOptions(options);
  assert.match(text, /-aet, --calling-aet VALUE +our AE title/);
  assert.match(text, /-q, --quiet/);
  assert.match(text, /-ll, --log-level LEVEL/);
});

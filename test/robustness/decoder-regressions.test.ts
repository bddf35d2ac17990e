// Inputs the fuzz engine found to escape a decoder with an untyped exception; each is fixed in
// src/ and pinned here.
import assert from "node:assert/strict";
import { test } from "node:test";
import { DicomJsonError, datasetFromJson } from "../../src/dataset/index.js";

test("datasetFromJson: an SQ with InlineBinary or BulkDataURI is a DicomJsonError, not a crash later", () => {
  for (const attr of [
    { vr: "SQ", InlineBinary: "QQ==" },
    { vr: "SQ", BulkDataURI: "http://x/1" },
  ]) {
    assert.throws(
      () => datasetFromJson({ "00081115": attr }, { resolveBulkData: () => new Uint8Array(4) }),
      (e: unknown) =>
        e instanceof DicomJsonError && e.code === "ERR_DICOM_JSON" && /00081115: SQ takes Value/.test(e.message),
    );
  }
});

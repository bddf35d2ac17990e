// One value per VR, shared by the dataset round-trip and JSON tests: multiplicity, extremes,
// byte order and padding. Each element sits at a private tag so it keeps its VR.
import { ALL_VRS, Dataset, PersonName, type VR } from "../../src/dataset/index.js";

/** Sample values by VR. With `evenBytes`, OB and UN have even lengths (no padding to undo). */
export function vrSamples(options: { evenBytes?: boolean } = {}): Record<VR, unknown> {
  const even = options.evenBytes ?? false;
  return {
    AE: ["STORESCP", "ANY"],
    AS: ["042Y"],
    AT: [0x00100010, 0x7fe00010],
    CS: ["ORIGINAL", "PRIMARY", "AXIAL"],
    DA: ["20240131"],
    DS: [1.5, -0.25, 1e-7],
    DT: ["20240131123456.123456+0100"],
    FD: [Math.PI, -1e300],
    FL: [1.5, -2.25],
    IS: [42, -7],
    LO: ["a long string"],
    LT: ["line one\r\nline two\\ with a backslash"],
    OB: new Uint8Array(even ? [1, 2, 3, 4] : [1, 2, 3]),
    OD: new Uint8Array(new Float64Array([1.25, -3]).buffer),
    OF: new Uint8Array(new Float32Array([1.25, -3]).buffer),
    OL: new Uint8Array(new Uint32Array([0xdeadbeef, 7]).buffer),
    OV: new Uint8Array(new BigUint64Array([2n ** 60n]).buffer),
    OW: new Uint8Array(new Uint16Array([0x1234, 0xabcd, 7]).buffer),
    PN: [new PersonName("Doe^John^^Dr"), new PersonName("Roe^Jane")],
    SH: ["short"],
    SL: [-2147483648, 2147483647],
    SQ: [{ CodeValue: "T-A0100", CodingSchemeDesignator: "SRT" }, { CodeValue: "X" }],
    SS: [-32768, 32767],
    ST: ["short text"],
    SV: [-(2n ** 63n), 5n],
    TM: ["235959.999999"],
    UC: ["unlimited characters"],
    UI: ["1.2.840.10008.1.2.1"],
    UL: [0, 0xffffffff],
    UN: new Uint8Array(even ? [9, 8, 7, 6] : [9, 8, 7, 6, 5]),
    UR: ["http://example.com/a?b=c"],
    US: [0, 65535],
    UT: ["unlimited text"],
    UV: [2n ** 64n - 1n, 0n],
  };
}

/** The private tag holding the sample of the `i`th VR of ALL_VRS. */
export function sampleTag(i: number): number {
  return (0x00091000 + i) >>> 0;
}

/** A data set with one element per VR (and the private creator of their block). */
export function vrSampleDataset(samples: Record<VR, unknown> = vrSamples()): Dataset {
  const ds = new Dataset();
  ds.set(0x00090010, "NETDICOM TEST", "LO");
  ALL_VRS.forEach((vr, i) => {
    ds.set(sampleTag(i), samples[vr], vr);
  });
  return ds;
}

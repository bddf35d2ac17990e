// An adapter for the dcmjs-codecs package (an optional dependency: WebAssembly builds of
// libjpeg, CharLS, OpenJPEG, OpenJPH and libjxl), loaded on first use with a dynamic import so
// that netdicom works, and loads nothing, without it.
import { ts } from "../dataset/uids.js";
import { importPackage } from "../util/import-package.js";
import { type Codec, CodecError, type DecodedFrame, type EncodedFrame, type ImagePixelInfo } from "./codec.js";

/** The npm package this adapter loads. */
export const DCMJS_CODECS_PACKAGE = "dcmjs-codecs";

/** The part of dcmjs-codecs' `Context` the adapter uses. */
interface NativeContext {
  getDecodedBuffer(): Uint8Array | undefined;
  getEncodedBuffer(): Uint8Array | undefined;
  getPhotometricInterpretation(): string | undefined;
}

type NativeCall = (context: NativeContext, parameters?: Record<string, unknown>) => NativeContext;

/** The part of the dcmjs-codecs module the adapter uses. */
interface DcmjsCodecsModule {
  readonly Context: new (attrs: Record<string, unknown>) => NativeContext;
  readonly NativeCodecs: Record<string, NativeCall> & {
    initializeAsync(opts?: Record<string, unknown>): Promise<void>;
    isInitialized(): boolean;
  };
}

/** How each transfer syntax maps to the package's native calls. */
const FAMILIES: readonly {
  readonly syntaxes: readonly string[];
  readonly decode: string;
  readonly encode: string;
  readonly lossy: (uid: string) => boolean;
}[] = [
  {
    syntaxes: [ts.JPEGBaseline8Bit, ts.JPEGExtended12Bit, ts.JPEGLossless, ts.JPEGLosslessSV1],
    decode: "decodeJpeg",
    encode: "encodeJpeg",
    lossy: (uid) => uid === ts.JPEGBaseline8Bit || uid === ts.JPEGExtended12Bit,
  },
  {
    syntaxes: [ts.JPEGLSLossless, ts.JPEGLSNearLossless],
    decode: "decodeJpegLs",
    encode: "encodeJpegLs",
    lossy: (uid) => uid === ts.JPEGLSNearLossless,
  },
  {
    syntaxes: [ts.JPEG2000Lossless, ts.JPEG2000],
    decode: "decodeJpeg2000",
    encode: "encodeJpeg2000",
    lossy: (uid) => uid === ts.JPEG2000,
  },
  {
    syntaxes: [ts.HTJ2KLossless, ts.HTJ2KLosslessRPCL, ts.HTJ2K],
    decode: "decodeHtJpeg2000",
    encode: "encodeHtJpeg2000",
    lossy: (uid) => uid === ts.HTJ2K,
  },
  {
    syntaxes: [ts.JPEGXLLossless, ts.JPEGXLJPEGRecompression, ts.JPEGXL],
    decode: "decodeJpegXl",
    encode: "encodeJpegXl",
    lossy: (uid) => uid === ts.JPEGXL,
  },
];

/** The transfer syntaxes the dcmjs-codecs adapter decodes (RLE is left to netdicom's own codec). */
export const dcmjsCodecsTransferSyntaxes: readonly string[] = FAMILIES.flatMap((f) => f.syntaxes);

/** The transfer syntaxes the adapter encodes into (JPEG Extended, Lossless Process 14 without SV1 and JPEG XL JPEG Recompression are decode-only). */
const ENCODABLE = new Set<string>([
  ts.JPEGBaseline8Bit,
  ts.JPEGLosslessSV1,
  ts.JPEGLSLossless,
  ts.JPEGLSNearLossless,
  ts.JPEG2000Lossless,
  ts.JPEG2000,
  ts.HTJ2KLossless,
  ts.HTJ2KLosslessRPCL,
  ts.HTJ2K,
  ts.JPEGXLLossless,
  ts.JPEGXL,
]);

function family(uid: string): (typeof FAMILIES)[number] {
  const f = FAMILIES.find((x) => x.syntaxes.includes(uid));
  if (!f) throw new CodecError(`dcmjs-codecs: ${uid} is not a syntax of this adapter`);
  return f;
}

function contextAttrs(info: ImagePixelInfo): Record<string, unknown> {
  return {
    width: info.columns,
    height: info.rows,
    bitsAllocated: info.bitsAllocated,
    bitsStored: info.bitsStored,
    samplesPerPixel: info.samplesPerPixel,
    pixelRepresentation: info.pixelRepresentation,
    planarConfiguration: info.planarConfiguration,
    photometricInterpretation: info.photometricInterpretation,
  };
}

/** Options of {@link loadDcmjsCodecs}. */
export interface DcmjsCodecsOptions {
  /** The module to import (default "dcmjs-codecs"; e.g. the absolute path of a vendored copy). */
  readonly moduleName?: string;
}

const loading = new Map<string, Promise<DcmjsCodecsModule>>();

async function importCodecs(specifier: string): Promise<DcmjsCodecsModule> {
  // A variable specifier: TypeScript does not resolve it, so netdicom builds without the package.
  let mod: { default?: DcmjsCodecsModule } & Partial<DcmjsCodecsModule>;
  try {
    mod = (await importPackage(specifier)) as typeof mod;
  } catch (err) {
    throw new CodecError(
      `the optional package ${DCMJS_CODECS_PACKAGE} is not installed (cannot import "${specifier}"): ` +
        `run "npm install ${DCMJS_CODECS_PACKAGE}" to decode JPEG, JPEG-LS, JPEG 2000 and HTJ2K`,
      { cause: err },
    );
  }
  const lib = (mod.NativeCodecs ? mod : mod.default) as DcmjsCodecsModule | undefined;
  if (!lib?.NativeCodecs || !lib.Context) throw new CodecError(`${DCMJS_CODECS_PACKAGE} does not export NativeCodecs`);
  if (!lib.NativeCodecs.isInitialized()) await lib.NativeCodecs.initializeAsync();
  return lib;
}

/**
 * Loads the dcmjs-codecs package and its WebAssembly module (once) and returns a codec for
 * JPEG (baseline, extended, lossless), JPEG-LS, JPEG 2000, HTJ2K and JPEG XL to give to
 * `registerCodec`.
 * Rejects with a `CodecError` saying what to install when the package is absent.
 *
 * @example
 * ```ts
 * import { loadDcmjsCodecs, registerCodec } from "netdicom";
 * registerCodec(await loadDcmjsCodecs());
 * ```
 */
export async function loadDcmjsCodecs(options: DcmjsCodecsOptions = {}): Promise<Codec> {
  const specifier = options.moduleName ?? DCMJS_CODECS_PACKAGE;
  let pending = loading.get(specifier);
  if (!pending) loading.set(specifier, (pending = importCodecs(specifier)));
  let lib: DcmjsCodecsModule;
  try {
    lib = await pending;
  } catch (err) {
    loading.delete(specifier); // installed later: try again next time
    throw err;
  }
  const call = (name: string, context: NativeContext, parameters: Record<string, unknown>): NativeContext => {
    const fn = lib.NativeCodecs[name];
    if (typeof fn !== "function") throw new CodecError(`${DCMJS_CODECS_PACKAGE} has no ${name}`);
    return fn.call(lib.NativeCodecs, context, parameters);
  };
  return {
    name: DCMJS_CODECS_PACKAGE,
    transferSyntaxes: dcmjsCodecsTransferSyntaxes,
    decode(frame: Uint8Array, info: ImagePixelInfo, transferSyntax: string): DecodedFrame {
      const f = family(transferSyntax);
      const context = new lib.Context({ ...contextAttrs(info), encodedBuffer: frame });
      // PS3.5 8.2.1: JPEG colour data comes out as RGB, and the data set must then say so.
      const jpeg = f.decode === "decodeJpeg";
      const out = call(f.decode, context, jpeg ? { convertColorspaceToRgb: true } : {});
      const pixels = out.getDecodedBuffer();
      if (!pixels) throw new CodecError(`${DCMJS_CODECS_PACKAGE} decoded no pixels`);
      const ybr = info.photometricInterpretation.startsWith("YBR");
      const rgb = info.samplesPerPixel === 3 && jpeg && ybr;
      return rgb ? { pixels, photometricInterpretation: "RGB", planarConfiguration: 0 } : { pixels };
    },
    encode(pixels: Uint8Array, info: ImagePixelInfo, transferSyntax: string): EncodedFrame {
      if (!ENCODABLE.has(transferSyntax))
        throw new CodecError(`${DCMJS_CODECS_PACKAGE} does not encode ${transferSyntax}`);
      const f = family(transferSyntax);
      const lossy = f.lossy(transferSyntax);
      const context = new lib.Context({ ...contextAttrs(info), decodedBuffer: pixels });
      const out = call(f.encode, context, { lossy });
      const data = out.getEncodedBuffer();
      if (!data) throw new CodecError(`${DCMJS_CODECS_PACKAGE} encoded nothing`);
      const photometric = out.getPhotometricInterpretation();
      return {
        data,
        lossy,
        ...(photometric !== undefined && photometric !== info.photometricInterpretation
          ? { photometricInterpretation: photometric }
          : {}),
      };
    },
  };
}

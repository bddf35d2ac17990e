// The DIMSE message layer (PS3.7): command sets of every C- and N- message, fragmentation into
// PDVs, streaming reassembly, status codes. Sans-I/O: the Association wires it to the upper layer.

export { type CCancelRqParams, cCancelRq, cCancelRqSpec } from "./c-cancel.js";
export { cEchoRq, cEchoRqSpec, cEchoRsp, cEchoRspSpec } from "./c-echo.js";
export { type CFindRqParams, type CFindRspParams, cFindRq, cFindRqSpec, cFindRsp, cFindRspSpec } from "./c-find.js";
export { type CGetRqParams, type CGetRspParams, cGetRq, cGetRqSpec, cGetRsp, cGetRspSpec } from "./c-get.js";
export { type CMoveRqParams, type CMoveRspParams, cMoveRq, cMoveRqSpec, cMoveRsp, cMoveRspSpec } from "./c-move.js";
export {
  type CStoreRqParams,
  type CStoreRspParams,
  cStoreRq,
  cStoreRqSpec,
  cStoreRsp,
  cStoreRspSpec,
} from "./c-store.js";
export {
  type CommandElement,
  type CommandKey,
  type CommandVr,
  commandElements,
  DataSetPresent,
  type DimseCommand,
  formatTag,
  NoDataSet,
} from "./command.js";
export {
  CommandField,
  type CommandFieldValue,
  commandName,
  isCommandField,
  isResponse,
  Priority,
  type PriorityValue,
} from "./command-field.js";
export { decodeCommand } from "./decode.js";
export { describeCommand } from "./describe.js";
export { encodeCommand, encodeCommandPdus, validateCommand } from "./encode.js";
export { type DimseDecodeDetails, DimseDecodeError, DimseEncodeError, ReassemblyError } from "./errors.js";
export { defaultUnlimitedChunk, fragment, maxPdvDataLength } from "./fragment.js";
export type { MessageSpec, StatusDetails } from "./message-spec.js";
export { messageSpecs } from "./message-specs.js";
export {
  type NActionRqParams,
  type NActionRspParams,
  nActionRq,
  nActionRqSpec,
  nActionRsp,
  nActionRspSpec,
} from "./n-action.js";
export {
  type NCreateRqParams,
  type NCreateRspParams,
  nCreateRq,
  nCreateRqSpec,
  nCreateRsp,
  nCreateRspSpec,
} from "./n-create.js";
export {
  type NDeleteRqParams,
  type NDeleteRspParams,
  nDeleteRq,
  nDeleteRqSpec,
  nDeleteRsp,
  nDeleteRspSpec,
} from "./n-delete.js";
export {
  type NEventReportRqParams,
  type NEventReportRspParams,
  nEventReportRq,
  nEventReportRqSpec,
  nEventReportRsp,
  nEventReportRspSpec,
} from "./n-event-report.js";
export { type NGetRqParams, type NGetRspParams, nGetRq, nGetRqSpec, nGetRsp, nGetRspSpec } from "./n-get.js";
export { type NSetRqParams, type NSetRspParams, nSetRq, nSetRqSpec, nSetRsp, nSetRspSpec } from "./n-set.js";
export { MessageReassembler, type MessageReassemblerOptions, type ReassemblyEvent } from "./reassembler.js";
export { type StatusCategory, type StatusContext, type StatusInfo, status } from "./status.js";

import { cCancelRqSpec } from "./c-cancel.js";
import { cEchoRqSpec, cEchoRspSpec } from "./c-echo.js";
import { cFindRqSpec, cFindRspSpec } from "./c-find.js";
import { cGetRqSpec, cGetRspSpec } from "./c-get.js";
import { cMoveRqSpec, cMoveRspSpec } from "./c-move.js";
import { cStoreRqSpec, cStoreRspSpec } from "./c-store.js";
import type { MessageSpec } from "./message-spec.js";
import { nActionRqSpec, nActionRspSpec } from "./n-action.js";
import { nCreateRqSpec, nCreateRspSpec } from "./n-create.js";
import { nDeleteRqSpec, nDeleteRspSpec } from "./n-delete.js";
import { nEventReportRqSpec, nEventReportRspSpec } from "./n-event-report.js";
import { nGetRqSpec, nGetRspSpec } from "./n-get.js";
import { nSetRqSpec, nSetRspSpec } from "./n-set.js";

/** The rules of every DIMSE message, by command field; encodeCommand and decodeCommand validate against them. */
export const messageSpecs: ReadonlyMap<number, MessageSpec> = new Map(
  [
    cStoreRqSpec,
    cStoreRspSpec,
    cFindRqSpec,
    cFindRspSpec,
    cGetRqSpec,
    cGetRspSpec,
    cMoveRqSpec,
    cMoveRspSpec,
    cEchoRqSpec,
    cEchoRspSpec,
    cCancelRqSpec,
    nEventReportRqSpec,
    nEventReportRspSpec,
    nGetRqSpec,
    nGetRspSpec,
    nSetRqSpec,
    nSetRspSpec,
    nActionRqSpec,
    nActionRspSpec,
    nCreateRqSpec,
    nCreateRspSpec,
    nDeleteRqSpec,
    nDeleteRspSpec,
  ].map((s) => [s.commandField, s]),
);

// Query/Retrieve (PS3.4 Annex C) and the other C-FIND/C-GET/C-MOVE service classes: the
// socket-free parts — information models, identifiers, matching, level checks.
export {
  applyKeyPaths,
  buildIdentifier,
  IdentifierError,
  type IdentifierInit,
  type IdentifierValue,
  identifierFromKeyPaths,
  type KeyPath,
  type KeyPathSegment,
  parseKeyPath,
} from "./identifier.js";
export {
  type CompiledQuery,
  compileQuery,
  type MatchOptions,
  matches,
  NON_MATCHING_KEYS,
  wildcardMatch,
} from "./matching.js";
export {
  type InformationModel,
  informationModels,
  type LevelKeys,
  levelKeys,
  modelByName,
  modelForSopClass,
  type QueryRetrieveLevel,
  type QueryRetrieveOperation,
  sopClassesFor,
} from "./models.js";
export { type BuildResponseOptions, buildResponse } from "./response.js";
export { retrieveRoles } from "./roles.js";
export { QueryRetrieveFailure } from "./scp-common.js";
export { MOVE_DESTINATION_UNKNOWN } from "./scp-retrieve.js";
export { sopClassForOperation } from "./scu.js";
export type {
  MoveDestination,
  MoveEventPayload,
  MoveHandlerResult,
  MoveResult,
  QueryEventPayload,
  QueryHandlerResult,
  QueryOptions,
  QueryResponse,
  QueryResult,
  QueryStatusResult,
  RetrieveHandlerResult,
  RetrieveResponse,
  RetrieveResult,
} from "./types.js";
export {
  IDENTIFIER_DOES_NOT_MATCH_SOP_CLASS,
  type IdentifierProblem,
  identifierFailureStatus,
  UNABLE_TO_PROCESS,
  type ValidateIdentifierOptions,
  validateIdentifier,
} from "./validate.js";

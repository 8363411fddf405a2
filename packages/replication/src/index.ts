/**
 * @muster/replication: offsite replication of backup images between agents. An offsite server
 * stores what local servers send over pinned TLS 1.3; a local server sends only changes
 * (rsync-style deltas), resumes broken transfers, delays deletions, and can be verified and
 * snapshotted into synthetic full backups on the offsite.
 */
export { BlockHasher, fileDigest, sha256 } from './block-hasher';
export type { BasisSignature } from './block-signature';
export {
  chooseBlockSize,
  idealBlockSize,
  MAX_BLOCK_SIZE,
  MIN_BLOCK_SIZE,
  strongLengthFor,
} from './block-size';
export { type DeltaInput, type DeltaSink, encodeDelta, LITERAL_CHUNK } from './delta-encoder';
export { type ByteThrottle, FrameChannel } from './frame-channel';
export {
  encodeFrame,
  type Frame,
  FrameDecoder,
  FrameType,
  type FrameTypeCode,
  MAX_FRAME_BODY,
} from './frame-codec';
export { type IndexEntry, type LocalIndex, loadLocalIndex } from './local-index';
export { planPass, type ScannedFile, type ScanPlan, scanLocalDirectory } from './local-scan';
export { LocalServer, type LocalServerOptions, type LocalServerStatus, retryDelay } from './local-server';
export { type Manifest, readManifest } from './manifest-store';
export { connectOffsite, type OffsiteAddress } from './offsite-connect';
export type { OffsiteEvent, OffsiteStats } from './offsite-events';
export { GUID_PATTERN, OFFSITE_DIRS } from './offsite-layout';
export { type OffsiteRootCheck, validateOffsiteRoot } from './offsite-root';
export {
  type AllowedLocalServer,
  OFFSITE_PORT_RANGE,
  type OffsiteServer,
  type OffsiteServerOptions,
  startOffsiteServer,
} from './offsite-server';
export type { StatfsFunction } from './offsite-session';
export { type VerifyReport, verifyOffsite } from './offsite-verify';
export {
  type ReplicateOptions,
  type ReplicationProgress,
  type ReplicationSummary,
  replicate,
} from './replicate';
export { isReplicationError, ReplicationError, type ReplicationErrorCode } from './replication-error';
export {
  DEFAULT_RETENTION,
  isoWeekKey,
  parseSnapshotName,
  type RetentionPolicy,
  type SnapshotInfo,
  selectSnapshotsToKeep,
  snapshotName,
} from './snapshot-retention';
export { buildSyntheticFull, listSnapshots, pruneSnapshots, type SnapshotResult } from './synthetic-full';
export {
  createReplicationIdentity,
  peerFingerprint,
  publicKeyFingerprint,
  type ReplicationIdentity,
  TLS_CIPHERSUITES,
  TLS_VERSION,
} from './tls-identity';
export { PROTOCOL_VERSION } from './wire-messages';
export { MAX_WIRE_PATH, resolveInside, validateWirePath, type WirePathCheck } from './wire-path';

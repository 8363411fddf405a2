export { checkinDelayMs, retryDelayMs } from './checkin-schedule';
export {
  type CommandContext,
  type CommandHandler,
  type CommandHandlerMap,
  type CommandOutcome,
  defaultCommandHandlers,
  runCommand,
} from './command-handlers';
export { type CheckInSummary, DeviceClient, type DeviceClientOptions } from './device-client';
export type { DeviceClientEvent } from './device-client-events';
export {
  type DeviceKey,
  deviceKeyFrom,
  deviceKeyToPem,
  generateDeviceKey,
  loadDeviceKey,
  loadOrCreateDeviceKey,
  saveDeviceKey,
  signWithDeviceKey,
} from './device-key';
export {
  DEVICE_KEY_FILE,
  DEVICE_STATE_FILE,
  type DeviceSettings,
  type DeviceStateData,
  DeviceStateFile,
  emptyDeviceState,
} from './device-state';
export {
  DEFAULT_MAX_LOCATION_AGE_MS,
  type LocationAddResult,
  LocationBuffer,
  type LocationBufferOptions,
  type LocationInput,
  type LocationRejection,
  MAX_LOCATIONS_PER_CHECKIN,
  validateLocation,
} from './location-buffer';
export {
  DeviceApiError,
  type DeviceEndpoint,
  type DeviceSigner,
  endpointUrl,
  newNonce,
  postDeviceApi,
  signedHeaders,
} from './signed-request';
export {
  SimulatedPhone,
  type SimulatedPushOptions,
  simulatedApnsToken,
  simulatedHardware,
  simulatedPhoneNumber,
  simulatedPushChannel,
} from './simulated-phone';
export {
  DeviceSimulator,
  type SimulatedDevice,
  type SimulatorEvent,
  type SimulatorOptions,
  type SimulatorPlatform,
} from './simulator';
export {
  certificateFingerprint,
  parsePin,
  type ServerTrust,
  type TrustedConnector,
  trustedConnector,
} from './tls-trust';
export {
  verifyWakeSignature,
  WakeListener,
  type WakeListenerOptions,
  type WakeSource,
} from './wake-listener';

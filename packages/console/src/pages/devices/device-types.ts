import type { components } from '../../api/schema';

/** A device as GET /devices and GET /devices/{id} show it. */
export type DeviceView = components['schemas']['Device'];
/** One wake-up attempt (Request Checkin) and the check-in that followed. */
export type WakeView = components['schemas']['DeviceWake'];
/** A command as GET /commands lists it; with `transitions` as GET /commands/{id} shows it. */
export type CommandView = components['schemas']['Command'] & {
  transitions?: components['schemas']['CommandDetail']['transitions'];
};
/** A stored position of a device. */
export type LocationPoint = components['schemas']['DeviceLocation'];

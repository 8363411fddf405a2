/** Platform names as people say them. */
export const PLATFORM_NAMES: Record<string, string> = { ios: 'iOS', android: 'Android' };

/** The push channels, as an administrator knows them. */
export const CHANNEL_NAMES: Record<string, string> = {
  apns: 'APNs (Apple push notification)',
  sms: 'SMS text message',
  webhook: 'Signed webhook',
};

/** What Request Checkin sends through each channel (the manual's words, for iOS and Android). */
export const CHANNEL_EFFECT: Record<string, string> = {
  apns: 'a message through Apple push notifications, shown on the device’s screen,',
  sms: 'a text message to the device’s phone number',
  webhook: 'a signed wake-up request to the device’s webhook',
};

/** 720 → "720 min (12 h)". */
export function formatMinutes(minutes: number): string {
  if (minutes >= 60 && minutes % 60 === 0) return `${minutes} min (${minutes / 60} h)`;
  return `${minutes} min`;
}

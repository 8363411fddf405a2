/**
 * E.164-ish: with a leading + an international number (country codes never start with 0),
 * otherwise a national number; 5 to 15 digits either way, 15 being E.164's maximum. Spaces,
 * dashes and brackets are refused rather than stripped, so what was stored is what is dialled.
 */
const phonePattern = /^(\+[1-9]\d{4,14}|\d{5,15})$/;

/** Why `phone` cannot be texted, or undefined when it can. Shared by the SMS channels so both refuse alike. */
export function phoneNumberProblem(deviceId: string, phone: string | undefined): string | undefined {
  if (!phone) return `device ${deviceId} has no phone number`;
  if (!phonePattern.test(phone)) {
    return `invalid phone number "${phone}" for device ${deviceId}: expected 5-15 digits with an optional leading +`;
  }
  return undefined;
}

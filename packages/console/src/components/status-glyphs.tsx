import type { ReactElement } from 'react';

/**
 * The check-in status icons and badges drawn as small SVGs in the current colour: they look
 * the same on every machine, where emoji and rare symbols depend on the fonts installed (a
 * browser without them shows empty boxes).
 */
export function StatusGlyph({ status }: { status: string }) {
  return (
    <svg viewBox="0 0 16 16" width="16" height="16" aria-hidden="true" focusable="false">
      {GLYPHS[status] ?? (
        <text x="4" y="12">
          ?
        </text>
      )}
    </svg>
  );
}

const ring = (dashed = false) => (
  <circle
    cx="8"
    cy="8"
    r="5.5"
    fill="none"
    stroke="currentColor"
    strokeWidth="2"
    strokeDasharray={dashed ? '2.5 2' : undefined}
  />
);

const GLYPHS: Record<string, ReactElement> = {
  online: <circle cx="8" cy="8" r="6" fill="currentColor" />,
  'online-awaiting-audit': (
    <>
      {ring()}
      <path d="M8 2.5a5.5 5.5 0 0 1 0 11z" fill="currentColor" />
    </>
  ),
  'user-logged-on': (
    <>
      <circle cx="8" cy="5" r="3" fill="currentColor" />
      <path d="M2.5 15c0-3.5 2.5-5.5 5.5-5.5s5.5 2 5.5 5.5z" fill="currentColor" />
    </>
  ),
  'user-idle': <path d="M10.5 1.5a6.5 6.5 0 1 0 4 11.5a5.2 5.2 0 0 1-4-11.5z" fill="currentColor" />,
  'remote-control-disabled': (
    <>
      {ring()}
      <path d="M4.2 11.8l7.6-7.6" stroke="currentColor" strokeWidth="2" />
    </>
  ),
  offline: ring(),
  'never-checked-in': ring(true),
  suspended: (
    <>
      <rect x="3.5" y="2.5" width="3" height="11" fill="currentColor" />
      <rect x="9.5" y="2.5" width="3" height="11" fill="currentColor" />
    </>
  ),
};

/** The red clock of a temporary agent. */
export function ClockBadge() {
  return (
    <svg viewBox="0 0 10 10" width="10" height="10" aria-hidden="true" focusable="false">
      <circle cx="5" cy="5" r="4.2" fill="#fff" stroke="currentColor" strokeWidth="1.4" />
      <path d="M5 2.6V5h1.9" fill="none" stroke="currentColor" strokeWidth="1.2" />
    </svg>
  );
}

/** The lock of an agent bound to its server. */
export function LockBadge() {
  return (
    <svg viewBox="0 0 10 10" width="10" height="10" aria-hidden="true" focusable="false">
      <path d="M3 4.5V3.2a2 2 0 0 1 4 0v1.3" fill="none" stroke="currentColor" strokeWidth="1.2" />
      <rect x="1.8" y="4.5" width="6.4" height="4.8" rx="1" fill="currentColor" />
    </svg>
  );
}

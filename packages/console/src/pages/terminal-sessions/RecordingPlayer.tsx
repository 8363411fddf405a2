import { useEffect, useRef, useState } from 'react';
import { ErrorNote } from '../../components/ErrorNote';
import { parseCast, resizeOf } from '../../terminal/asciicast';
import { CastPlayer, type PlayerState } from '../../terminal/cast-player';
import { createScreen } from '../../terminal/terminal-screen';
import { fetchRecording, type TerminalSession } from './terminal-sessions-api';

const SPEEDS = [0.5, 1, 2, 4, 8] as const;

/**
 * Replays a session's recording into a read-only xterm at the size it was recorded, with its
 * timing: play and pause, a speed, and a jump to the end. Keystrokes in the recording (`i`
 * events) are not shown: what they did is already in the output.
 */
export function RecordingPlayer({ session, onClose }: { session: TerminalSession; onClose(): void }) {
  const host = useRef<HTMLDivElement>(null);
  const playerRef = useRef<CastPlayer | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loaded, setLoaded] = useState(false);
  const [position, setPosition] = useState<{ state: PlayerState; seconds: number }>({
    state: 'paused',
    seconds: 0,
  });
  const [duration, setDuration] = useState(0);
  const [speed, setSpeed] = useState(1);

  useEffect(() => {
    const element = host.current;
    if (!element) return;
    let gone = false;
    const screen = createScreen(element, { readOnly: true });
    const { terminal } = screen;
    fetchRecording(session.id).then(
      (text) => {
        if (gone) return;
        try {
          const cast = parseCast(text);
          terminal.resize(cast.header.width, cast.header.height);
          const player = new CastPlayer(cast.events, {
            event: (event) => {
              if (event.code === 'o') terminal.write(event.data);
              const size = resizeOf(event);
              if (size) terminal.resize(size.cols, size.rows);
            },
            changed: (state, seconds) => setPosition({ state, seconds }),
          });
          playerRef.current = player;
          setDuration(player.duration);
          setLoaded(true);
          player.play();
        } catch (failure) {
          setError(failure);
        }
      },
      (failure: unknown) => {
        if (!gone) setError(failure);
      },
    );
    return () => {
      gone = true;
      playerRef.current?.stop();
      playerRef.current = null;
      screen.dispose();
    };
  }, [session.id]);

  const player = playerRef.current;
  const changeSpeed = (value: number) => {
    setSpeed(value);
    player?.speed(value);
  };
  return (
    <section className="panel cast-player" aria-labelledby="player-heading">
      <h2 id="player-heading">
        Recording of {session.machineId} by {session.user}
      </h2>
      <div className="player-bar">
        {position.state === 'playing' ? (
          <button type="button" onClick={() => player?.pause()} disabled={!loaded}>
            Pause
          </button>
        ) : (
          <button
            type="button"
            onClick={() => player?.play()}
            disabled={!loaded || position.state === 'finished'}
          >
            Play
          </button>
        )}
        <label>
          Speed{' '}
          <select value={speed} onChange={(event) => changeSpeed(Number(event.target.value))}>
            {SPEEDS.map((s) => (
              <option key={s} value={s}>
                {s}×
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          className="secondary"
          onClick={() => player?.toEnd()}
          disabled={!loaded || position.state === 'finished'}
        >
          Jump to end
        </button>
        <button type="button" className="secondary" onClick={onClose}>
          Close player
        </button>
        <span aria-live="polite" data-testid="player-position">
          {position.state === 'finished' ? 'Finished' : position.state === 'playing' ? 'Playing' : 'Paused'}:{' '}
          {position.seconds.toFixed(1)} s of {duration.toFixed(1)} s
        </span>
      </div>
      <ErrorNote error={error} />
      <div className="cast-screen" ref={host} data-testid="player-screen" />
    </section>
  );
}

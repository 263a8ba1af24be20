import test from "ava";
import {
  parseDurationMs,
  PUSH_SETTINGS,
  pushSettingsHelp,
  resolvePushSettings,
} from "../../src/settings.js";

test("defaults: istiod's 100ms quiet period, a 250ms max (not 10s), EDS debounced, adaptive throttle; a 20ms file window", (t) => {
  t.deepEqual(resolvePushSettings({}), {
    debounceAfterMs: 100,
    debounceMaxMs: 250,
    edsDebounce: true,
    fileDebounceAfterMs: 20,
    fileDebounceMaxMs: 100,
    fileDeleteDebounceAfterMs: 100,
    fileDeleteDebounceMaxMs: 1000,
    pushThrottle: "auto",
    pushThrottleMax: 100,
    targetLoopLagMs: 20,
    targetCpuBusy: 0.85,
  });
});

test("environment variables override the defaults", (t) => {
  const s = resolvePushSettings({
    MESHPILOT_DEBOUNCE_AFTER: "50ms",
    MESHPILOT_DEBOUNCE_MAX: "2.5s",
    MESHPILOT_ENABLE_EDS_DEBOUNCE: "false",
    MESHPILOT_PUSH_THROTTLE: "12",
    MESHPILOT_FILE_DEBOUNCE_AFTER: "5ms",
    MESHPILOT_FILE_DELETE_DEBOUNCE_MAX: "2s",
  });
  t.is(s.fileDebounceAfterMs, 5);
  t.is(s.fileDeleteDebounceMaxMs, 2000);
  t.is(s.debounceAfterMs, 50);
  t.is(s.debounceMaxMs, 2500);
  t.false(s.edsDebounce);
  t.is(s.pushThrottle, 12);
});

test("unreadable values are errors naming the variable", (t) => {
  t.throws(() => resolvePushSettings({ MESHPILOT_DEBOUNCE_AFTER: "soon" }), {
    message: /MESHPILOT_DEBOUNCE_AFTER=soon: expected a duration/,
  });
  t.throws(() => resolvePushSettings({ MESHPILOT_DEBOUNCE_MAX: "50ms" }), {
    message: /MESHPILOT_DEBOUNCE_MAX=50ms: expected at least MESHPILOT_DEBOUNCE_AFTER/,
  });
  t.throws(() => resolvePushSettings({ MESHPILOT_FILE_DEBOUNCE_MAX: "10ms" }), {
    message: /MESHPILOT_FILE_DEBOUNCE_MAX=10ms: expected at least MESHPILOT_FILE_DEBOUNCE_AFTER/,
  });
  t.throws(() => resolvePushSettings({ MESHPILOT_ENABLE_EDS_DEBOUNCE: "yes" }), {
    message: /true or false/,
  });
  t.throws(() => resolvePushSettings({ MESHPILOT_PUSH_TARGET_CPU: "2" }), {
    message: /from 0 to 1/,
  });
});

test("durations: ms, s, m and plain milliseconds", (t) => {
  t.is(parseDurationMs("250"), 250);
  t.is(parseDurationMs("1.5s"), 1500);
  t.is(parseDurationMs("2m"), 120_000);
  t.is(parseDurationMs("-1s"), undefined);
});

test("every knob is described in the help", (t) => {
  const help = pushSettingsHelp();
  for (const spec of Object.values(PUSH_SETTINGS)) t.true(help.includes(spec.env));
});

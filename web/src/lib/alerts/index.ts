export { AlarmQueue, type AlarmSession } from './alarm-queue.svelte.ts';
export { AlarmSound } from './sound.svelte.ts';
export { ACTION_TEXT, ALERT_TEXT, CLOSE_TEXT, KIND_TEXT, LEVEL_EN, say, STATUS_TEXT } from './text.ts';
export { alarmCause, alarmTitle, closeReasonsFor, controlsFor, drawingOf, historyLine, isWalking, lastAction, priorityColor, trackOf, type AlarmControl } from './view.ts';
export { offeredScenarios, startScenario, type AlertScenario } from './dev-api.ts';
export { AlarmBoard, type AlarmHost, type AlarmMap, type AlarmBoardSession } from './alarm-board.svelte.ts';
export { installAlarmProbe, type AlarmProbe } from './probe.ts';

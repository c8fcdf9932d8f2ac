// Public surface of the local Inngest-compatible executor (development and tests only).
export { createExecutor, type Executor, type ExecutorOptions } from "./executor";
export { createClock, type Clock } from "./clock";
export type { RunDetailView, RunView, StepView } from "./views";
export type { SyncResult } from "./sync";

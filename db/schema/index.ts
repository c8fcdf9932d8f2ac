export * from "./enums";
export * from "./auth";
export * from "./templates";
export * from "./messages";
export * from "./preferences";
export * from "./limits";
export * from "./inbound";
export * from "./tasks";

/** Each service's deployment alarms, the stack's notification topic and its dashboards. */
export * from "./alarms";
export * from "./notifications";
export * from "./dashboard";

/** IPC channel names shared by the main process and the preload. */
export const callChannel = 'glov:call';
export const eventChannel = 'glov:event';

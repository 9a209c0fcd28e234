/** How each state looks on a terminal; it lives in core so the dashboard shares it. */
export { STATUS_LOOK } from '../core/task-look.js';

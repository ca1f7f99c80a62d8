/** The drag-and-drop payload type for a camera id (camera list → tile, tile → tile). */
export const CAMERA_DRAG_TYPE = 'application/x-gth-camera';

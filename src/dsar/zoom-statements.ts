/**
 * Zoom's own words, quoted where zdsar must say what it cannot see. Copied from Zoom's support page
 * "Using Data & Privacy for data management" (the project's seed document 001), word for word.
 */
export const ZOOM_DATA_PRIVACY_PAGE = 'Zoom Support: "Using Data & Privacy for data management"';

export const ZOOM_DELETION_QUOTES: readonly string[] = [
  'The Data & Privacy feature provides account owners with the necessary tools to efficiently manage user data related to meetings, webinars, chat and whiteboards.',
  'Data type: Type of data to be deleted or exported such as personal data collected by use of Zoom Meetings, Zoom Webinars, Zoom Chat, and Whiteboard.',
  'Note: Be aware that the request to delete data can only be canceled within a 30-minute timeframe. Once the data is deleted, it cannot be recovered.',
];

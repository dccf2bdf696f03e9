/** Whether a name is an IANA time zone this runtime knows (the reporting and the ingest time zones). */
export const isTimeZone = (tz: string): boolean => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};

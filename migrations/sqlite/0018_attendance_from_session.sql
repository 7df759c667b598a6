-- Attendance recorded from session mode (the worker started the session, or
-- recorded that it did not take place) is marked, so the worker's later
-- entries may correct it while the coordinator's own recording or
-- correction is never overwritten from a phone.
ALTER TABLE bookings ADD COLUMN attendance_from_log INTEGER NOT NULL DEFAULT 0;

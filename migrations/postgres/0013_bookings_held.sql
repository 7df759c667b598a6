-- Contact suspended after three unexplained misses in a row: the sessions
-- already booked are held (neither kept as if nothing happened nor
-- cancelled) until a new plan with both agreements lifts the suspension or
-- the centre cancels them.
ALTER TABLE bookings ADD COLUMN held_at BIGINT;

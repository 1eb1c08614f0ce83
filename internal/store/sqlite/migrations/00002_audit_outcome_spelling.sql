-- Audit outcomes have one spelling, "error:<ErrorType>" (package audit).
-- Admin Queries used to write "error: <ErrorType>", with a space; those
-- rows are respelled so that an --outcome filter finds them.

-- +goose Up
UPDATE audit SET outcome = 'error:' || substr(outcome, 8)
WHERE substr(outcome, 1, 7) = 'error: ';

-- +goose Down
-- Before this migration only Admin Queries wrote the spaced spelling.
UPDATE audit SET outcome = 'error: ' || substr(outcome, 7)
WHERE substr(outcome, 1, 6) = 'error:' AND substr(outcome, 1, 7) <> 'error: '
  AND substr(action, 1, 13) = 'adminqueries:';

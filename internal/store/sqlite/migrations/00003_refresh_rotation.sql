-- Refresh-token rotation (GetTokensFromRefreshToken on an app client with
-- RefreshTokenRotation ENABLED): a token's successors share its origin_jti
-- (the family) and absolute expires_at; replaced_at is when the token was
-- rotated out, the start of its retry grace period.

-- +goose Up
ALTER TABLE refresh_tokens ADD COLUMN replaced_at INTEGER;

-- +goose Down
ALTER TABLE refresh_tokens DROP COLUMN replaced_at;

package client

import (
	"context"
	"strconv"

	"github.com/damkit/damkit/dam"
)

// RestoreVersion makes version n of an asset current again: a new version
// with its bytes (no copy) and file metadata. It returns the asset.
func (c *Client) RestoreVersion(ctx context.Context, assetID string, n int) (dam.Asset, error) {
	var a dam.Asset
	err := c.call(ctx, request{op: "POST /api/v1/assets/{id}/versions/{n}/restore", args: args(assetID, strconv.Itoa(n))}, &a)
	return a, err
}

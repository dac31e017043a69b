package damweb

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
)

// TestBrowserMetadataFields adds a field on the metadata fields page in
// Chromium, then fills the schema's fields on an asset page: a date
// input, a select and checkboxes, labelled, in the schema's order, at
// desktop width and at 375 px.
func TestBrowserMetadataFields(t *testing.T) {
	s := newSite(t, nil)
	_, err := s.lib.SetMetadataSchema(s.owner, dam.MetadataSchema{Fields: []dam.SchemaField{
		{Key: "client", Label: "Client", Type: dam.FieldText, Required: true},
		{Key: "usage", Label: "Usage", Type: dam.FieldSelect, Options: []string{"Web", "Print"}},
		{Key: "colours", Label: "Colours", Type: dam.FieldMultiSelect, Options: []string{"red", "green", "blue"}},
	}})
	require.NoError(t, err)
	p := s.page(t)
	p.open("/signin?next=/settings/fields")
	p.run(chromedp.SendKeys(chromedp.CSS("#key"), s.keys["owner"]+"\r"))
	p.run(chromedp.WaitVisible(chromedp.CSS("#sf-new-key")))
	p.run(chromedp.SendKeys(chromedp.CSS("#sf-new-key"), "shot_on"), chromedp.SendKeys(chromedp.CSS("#sf-new-label"), "Shot on"),
		chromedp.SetValue(chromedp.CSS("#sf-new-type"), "date"), chromedp.SendKeys(chromedp.CSS("#sf-new-order"), "2"))
	p.check("metadata-fields")
	p.run(chromedp.Click(chromedp.CSS(`.settings button[type=submit]`)))
	p.run(chromedp.WaitVisible(chromedp.CSS(".flash")))
	assert.Equal(t, "Metadata fields saved.", p.text(".flash"))
	ms, err := s.lib.MetadataSchema(s.owner)
	require.NoError(t, err)
	require.Len(t, ms.Fields, 4)
	assert.Equal(t, dam.SchemaField{Key: "shot_on", Label: "Shot on", Type: dam.FieldDate}, ms.Fields[1])

	p.open("/assets/" + s.photo.ID)
	p.run(chromedp.WaitVisible(chromedp.CSS("#ms-shot_on")))
	assert.Contains(t, p.text("#ms-client-err"), `"client" (Client) is required`, "the missing required value is flagged")
	p.check("asset-fields")
	if *screenshots { // the Details card, where the fields are, at 375 px
		p.run(chromedp.EmulateViewport(375, 900))
		png, err := chromedp.Run(p.ctx, chromedp.Screenshot(chromedp.CSS(`section[aria-labelledby="md-h"]`)))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join("..", "..", "docs", "screenshots", "asset-fields-details-375.png"), png, 0o644))
		p.run(chromedp.EmulateViewport(1280, 900))
	}
	p.run(chromedp.SendKeys(chromedp.CSS("#ms-client"), "Acme"), chromedp.SetValue(chromedp.CSS("#ms-shot_on"), "2026-02-28"),
		chromedp.SetValue(chromedp.CSS("#ms-usage"), "Print"), chromedp.Click(chromedp.CSS("#ms-colours-2")),
		chromedp.Click(chromedp.CSS(`form[action="/assets/`+s.photo.ID+`"] button[type=submit]`)))
	p.run(chromedp.WaitVisible(chromedp.CSS(".flash")))
	a, err := s.lib.Asset(s.owner, s.photo.ID)
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"client": "Acme", "shot_on": "2026-02-28", "usage": "Print", "colours": "blue"}, a.Meta.Fields)
	assert.Empty(t, p.console.Errors())
}

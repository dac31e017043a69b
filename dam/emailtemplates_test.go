package dam_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
)

// The built-in templates render when no directory is given; a directory
// replaces the kinds it has a file for (and default.* every other kind),
// part by part, with the documented data; a broken template is refused
// when the notifier is made.
func TestEmailTemplatesDefaultAndOverride(t *testing.T) {
	msg := func(kind string) dam.Message {
		return dam.Message{Kind: kind, To: dam.Recipient{Email: "ada@example.com"}, Subject: "Approved <now>",
			Text: "Your download was approved.\nEnjoy.", Link: "https://dam.example.com/assets/01abc",
			Details: []dam.Detail{{Label: "Asset", Value: "logo <b>.png"}}}
	}
	send := func(t *testing.T, opts *dam.EmailOptions, m dam.Message) parsedEmail {
		dir := filepath.Join(t.TempDir(), "mail")
		n, err := dam.NewEmailNotifier("file:"+dir, opts)
		require.NoError(t, err)
		require.NoError(t, n.Notify(t.Context(), m))
		files := emlFiles(t, dir)
		require.Len(t, files, 1)
		data, err := os.ReadFile(files[0])
		require.NoError(t, err)
		return parseEmail(t, data)
	}

	t.Run("defaults", func(t *testing.T) {
		e := send(t, nil, msg("request_approved"))
		assert.Contains(t, e.Text, "Your download was approved.\nEnjoy.\n\nAsset: logo <b>.png\n\nhttps://dam.example.com/assets/01abc\n")
		assert.Contains(t, e.HTML, "logo &lt;b&gt;.png")
		assert.Contains(t, e.HTML, `href="https://dam.example.com/assets/01abc"`)
	})

	tpl := t.TempDir()
	write := func(name, body string) {
		require.NoError(t, os.WriteFile(filepath.Join(tpl, name), []byte(body), 0o600))
	}
	write("request_approved.html", `<h1>{{.Subject}}</h1>{{range .Details}}<b>{{.Label}}</b>={{.Value}}{{end}}<a href="{{.Link}}">go</a> {{.Kind}}`)
	write("default.txt", "{{.Kind}}: {{range .Lines}}{{.}}|{{end}} {{.Link}} -- {{.Product}}\n")
	write("notes.md", "ignored")

	t.Run("override", func(t *testing.T) {
		e := send(t, &dam.EmailOptions{Templates: tpl, ProductName: "Acme DAM"}, msg("request_approved"))
		assert.Equal(t, "request_approved: Your download was approved.|Enjoy.| https://dam.example.com/assets/01abc -- Acme DAM\n", e.Text)
		assert.Contains(t, e.HTML, "<h1>Approved &lt;now&gt;</h1><b>Asset</b>=logo &lt;b&gt;.png")
		assert.Contains(t, e.HTML, `<a href="https://dam.example.com/assets/01abc">go</a> request_approved`)
	})
	t.Run("a kind without its own file", func(t *testing.T) {
		e := send(t, &dam.EmailOptions{Templates: tpl}, msg("share_invitation"))
		assert.Contains(t, e.Text, "share_invitation: Your download was approved.|Enjoy.|", "default.txt")
		assert.Contains(t, e.HTML, `href="https://dam.example.com/assets/01abc"`, "the built-in HTML")
	})
	t.Run("broken", func(t *testing.T) {
		bad := t.TempDir()
		require.NoError(t, os.WriteFile(filepath.Join(bad, "default.html"), []byte("{{.Subject"), 0o600))
		_, err := dam.NewEmailNotifier("file:"+t.TempDir(), &dam.EmailOptions{Templates: bad})
		require.Error(t, err)
		assert.Contains(t, err.Error(), "default.html")
		_, err = dam.NewEmailNotifier("file:"+t.TempDir(), &dam.EmailOptions{Templates: filepath.Join(bad, "missing")})
		require.Error(t, err)
	})
}

// TestWebhookDisabledEmail: webhook_disabled has a built-in template of
// its own (what happened, the endpoint, how to turn it back on), in both
// parts, with the data escaped; a directory's template for the kind, or
// its default, replaces it.
func TestWebhookDisabledEmail(t *testing.T) {
	m := dam.Message{Kind: dam.NotifyWebhookDisabled, To: dam.Recipient{Email: "ada@example.com"}, Subject: "A webhook was turned off",
		Text: "Deliveries to https://hooks.example.com/<x> failed for 24h0m0s without one success, so it was turned off.",
		Link: "https://dam.example.com/webhooks/01abc", Details: []dam.Detail{{Label: "URL", Value: "https://hooks.example.com/<x>"}}}
	send := func(t *testing.T, opts *dam.EmailOptions) parsedEmail {
		dir := filepath.Join(t.TempDir(), "mail")
		n, err := dam.NewEmailNotifier("file:"+dir, opts)
		require.NoError(t, err)
		require.NoError(t, n.Notify(t.Context(), m))
		files := emlFiles(t, dir)
		require.Len(t, files, 1)
		data, err := os.ReadFile(files[0])
		require.NoError(t, err)
		return parseEmail(t, data)
	}
	e := send(t, &dam.EmailOptions{ProductName: "Acme DAM"})
	assert.Contains(t, e.HTML, "<h1")
	assert.Contains(t, e.HTML, "https://hooks.example.com/&lt;x&gt;", "escaped")
	assert.Contains(t, e.HTML, "Send a test event, then enable the webhook")
	assert.Contains(t, e.HTML, `href="https://dam.example.com/webhooks/01abc"`)
	assert.Contains(t, e.HTML, "Open the webhook")
	assert.Contains(t, e.Text, "To turn it back on:\n1. Check that the endpoint answers")
	assert.Contains(t, e.Text, "URL: https://hooks.example.com/<x>\n")
	assert.Contains(t, e.Text, "Open the webhook: https://dam.example.com/webhooks/01abc\n")
	assert.Contains(t, e.Text, "Acme DAM")

	tpl := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(tpl, "default.html"), []byte(`<p>{{.Kind}}</p>`), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(tpl, "webhook_disabled.txt"), []byte("off: {{.Link}}\n"), 0o600))
	e = send(t, &dam.EmailOptions{Templates: tpl})
	assert.Equal(t, "off: https://dam.example.com/webhooks/01abc\n", e.Text)
	assert.Contains(t, e.HTML, "<p>webhook_disabled</p>", "the directory's default wins over the built-in kind")
}

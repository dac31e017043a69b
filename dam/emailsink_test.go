package dam_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
)

// emlFiles returns the .eml files of dir in name order.
func emlFiles(t *testing.T, dir string) []string {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(dir, "*.eml"))
	require.NoError(t, err)
	sort.Strings(names)
	return names
}

func TestFileSinkWritesOneEmlPerMessage(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "mail") // created by the notifier
	n, err := dam.NewEmailNotifier("file:"+dir+"?from=assets@example.com", nil)
	require.NoError(t, err)
	msgs := []dam.Message{
		{Kind: "request_approved", To: dam.Recipient{Email: "ada@example.com", Name: "Ada"}, Subject: "Approved",
			Text: "Your download was approved.", Link: "http://127.0.0.1:8080/api/v1/assets/01abc/download?grant=x&y=z",
			Details: []dam.Detail{{Label: "Asset", Value: "logo.png"}}},
		{Kind: "share_invitation", To: dam.Recipient{Email: "bo@example.org"}, Subject: "A share for you", Text: "Have a look."},
		{Kind: "request_received", To: dam.Recipient{Email: "cy@example.com"}, Subject: "Unsafe link", Text: "x", Link: "javascript:alert(1)"},
	}
	for _, m := range msgs {
		require.NoError(t, n.Notify(t.Context(), m))
	}
	files := emlFiles(t, dir)
	require.Len(t, files, 3, "one file per message")
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, entries, 3, "no temporary file is left behind")

	for i, f := range files {
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		info, err := os.Stat(f)
		require.NoError(t, err)
		assert.Equal(t, os.FileMode(0o600), info.Mode().Perm(), "links are credentials: owner only")
		e := parseEmail(t, data)
		to, err := e.Header.AddressList("To")
		require.NoError(t, err)
		assert.Equal(t, msgs[i].To.Email, to[0].Address, "files sort in the order they were written")
		assert.Equal(t, msgs[i].Subject, decodeHeader(t, e.Header.Get("Subject")))
		assert.Contains(t, e.Header.Get("From"), "assets@example.com")
		assert.Contains(t, e.Text, msgs[i].Text)
		switch i {
		case 0:
			assert.Equal(t, msgs[0].Link, e.Header.Get("X-Damkit-Link"), "the link, unencoded, for scripts")
			assert.True(t, bytes.HasPrefix(data, []byte("X-Damkit-Link: "+msgs[0].Link+"\r\n")))
			assert.Contains(t, e.Text, msgs[0].Link)
			assert.Contains(t, e.Text, "Asset: logo.png")
		default:
			assert.Empty(t, e.Header.Get("X-Damkit-Link"), "no link, or none that is safe to offer")
			assert.NotContains(t, string(data), "javascript:")
		}
	}
}

func TestFileSinkRelativeDirectory(t *testing.T) {
	t.Chdir(t.TempDir())
	n, err := dam.NewEmailNotifier("file:out/mail", nil)
	require.NoError(t, err)
	require.NoError(t, n.Notify(t.Context(), dam.Message{To: dam.Recipient{Email: "ada@example.com"}, Subject: "s", Text: "t"}))
	assert.Len(t, emlFiles(t, filepath.Join("out", "mail")), 1)
}

func TestSinksSkipAndRefuseLikeSMTP(t *testing.T) {
	dir := t.TempDir()
	n, err := dam.NewEmailNotifier("file://"+filepath.ToSlash(dir), nil)
	require.NoError(t, err)
	require.NoError(t, n.Notify(t.Context(), dam.Message{To: dam.Recipient{UserID: "u1"}, Subject: "s"}), "no address: skipped")
	err = n.Notify(t.Context(), dam.Message{To: dam.Recipient{Email: "Eve <eve@example.com>"}, Subject: "s"})
	assert.Equal(t, dam.Invalid, dam.KindOf(err))
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	err = n.Notify(ctx, dam.Message{To: dam.Recipient{Email: "ada@example.com"}, Subject: "s"})
	assert.Equal(t, dam.Canceled, dam.KindOf(err))
	assert.Empty(t, emlFiles(t, dir), "nothing written")
}

func TestLogSinkWritesEachMessageToTheLog(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&buf, nil))
	n, err := dam.NewEmailNotifier("log:?from=assets@example.com", &dam.EmailOptions{Logger: log})
	require.NoError(t, err)
	m := dam.Message{Kind: "share_invitation", To: dam.Recipient{Email: "ada@example.com"}, Subject: "A share\r\nBcc: x@example.com",
		Text: "Have a look.", Link: "http://127.0.0.1:8080/s/tok", Details: []dam.Detail{{Label: "Expires", Value: "in 7 days"}}}
	require.NoError(t, n.Notify(t.Context(), m))
	require.NoError(t, n.Notify(t.Context(), dam.Message{To: dam.Recipient{Email: "bo@example.com"}, Subject: "second"}))

	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	require.Len(t, lines, 2, "one record per message")
	var rec map[string]any
	require.NoError(t, json.Unmarshal([]byte(lines[0]), &rec))
	assert.Equal(t, "email", rec["msg"])
	assert.Equal(t, "INFO", rec["level"])
	assert.Equal(t, "share_invitation", rec["kind"])
	assert.Equal(t, "<ada@example.com>", rec["to"])
	assert.Equal(t, `"damkit" <assets@example.com>`, rec["from"])
	assert.Equal(t, "A share Bcc: x@example.com", rec["subject"], "one line, as in the header")
	assert.Equal(t, m.Link, rec["link"])
	assert.Contains(t, rec["text"], "Have a look.")
	assert.Contains(t, rec["text"], "Expires: in 7 days")
	assert.Contains(t, rec["text"], m.Link)
}

func TestNewEmailNotifierRejectsBadSinks(t *testing.T) {
	for _, u := range []string{"log:stdout", "log://host", "file:", "file://", "file://mail.example.com/tmp/x", "maildir:/tmp/x"} {
		t.Run(u, func(t *testing.T) {
			_, err := dam.NewEmailNotifier(u, nil)
			require.Error(t, err)
			assert.Equal(t, dam.Invalid, dam.KindOf(err))
		})
	}
	t.Run("a directory that cannot be made", func(t *testing.T) {
		f := filepath.Join(t.TempDir(), "file")
		require.NoError(t, os.WriteFile(f, nil, 0o600))
		_, err := dam.NewEmailNotifier("file:"+f+"/mail", nil)
		require.Error(t, err)
		assert.Equal(t, dam.Invalid, dam.KindOf(err))
		assert.Contains(t, err.Error(), "mail directory")
	})
}

// In development, log: prints every message, with its link, instead of
// sending it: no mail server to install. file:DIR writes .eml files.
func ExampleNewEmailNotifier_log() {
	log := slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey || a.Key == "text" {
				return slog.Attr{} // keep the output short and stable
			}
			return a
		},
	}))
	n, err := dam.NewEmailNotifier("log:", &dam.EmailOptions{Logger: log})
	if err != nil {
		fmt.Println(err)
		return
	}
	err = n.Notify(context.Background(), dam.Message{Kind: "request_approved",
		To: dam.Recipient{Email: "ada@example.com"}, Subject: "Your download was approved",
		Text: "You may now download logo.png.", Link: "https://dam.example.com/d/01abc"})
	fmt.Println(err)
	// Output:
	// level=INFO msg=email kind=request_approved from="\"damkit\" <damkit@localhost>" to=<ada@example.com> subject="Your download was approved" link=https://dam.example.com/d/01abc
	// <nil>
}

package dam_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/damkit/damkit/dam"
)

// jobLinks adds download-job links to testLinks.
type jobLinks struct{ testLinks }

func (jobLinks) DownloadJob(id string) string { return "https://dam.example.com/downloads/" + id }

// sendFixture has two domains: an editor who sees both sends archives; an
// editor of both domains may download everything, a viewer of the default
// domain neither the protected asset nor the one of the studio domain.
type sendFixture struct {
	*fixture
	sink           *smtpSink
	sender         context.Context
	senderUser     dam.User
	editor, viewer dam.User
	open1, open2   dam.Asset
	secret, studio dam.Asset
}

func newSendFixture(t *testing.T, opts *dam.Options) *sendFixture {
	t.Helper()
	sink := startSMTP(t, nil)
	mailer, err := dam.NewEmailNotifier(sink.URL+"?from=assets@example.com", nil)
	require.NoError(t, err)
	if opts == nil {
		opts = &dam.Options{}
	}
	opts.Notifiers, opts.Links = []dam.Notifier{mailer}, jobLinks{}
	f := newFixture(t, opts)
	s := &sendFixture{fixture: f, sink: sink}
	mk := func(email string, role dam.Role, domains ...string) dam.User {
		u, _, err := f.lib.CreateUser(f.owner, dam.NewUser{Email: email, Role: role, Domains: domains})
		require.NoError(t, err)
		return u
	}
	s.senderUser = mk("sender@example.com", dam.RoleEditor, dam.DefaultDomain, "studio")
	s.sender = dam.WithActor(f.owner, s.senderUser.Actor())
	s.editor = mk("editor@example.com", dam.RoleEditor, dam.DefaultDomain, "studio")
	s.viewer = mk("viewer@example.com", dam.RoleViewer, dam.DefaultDomain)
	s.open1, s.open2, s.secret = f.openAndEmbargoed(t, s.sender)
	s.studio, err = f.lib.Upload(s.sender, strings.NewReader(noise(4, 2000)), dam.UploadOptions{Name: "studio-plan.bin", Domain: "studio"})
	require.NoError(t, err)
	return s
}

func (s *sendFixture) all() []string {
	return []string{s.open1.ID, s.open2.ID, s.secret.ID, s.studio.ID}
}

func (s *sendFixture) as(u dam.User) context.Context { return dam.WithActor(s.owner, u.Actor()) }

// onlyJob returns the one download job in u's inbox.
func (s *sendFixture) onlyJob(t *testing.T, u dam.User) dam.Job {
	t.Helper()
	js, _, err := s.lib.Jobs(s.as(u), "", 10)
	require.NoError(t, err)
	require.Len(t, js, 1)
	return js[0]
}

func TestSendArchive(t *testing.T) {
	s := newSendFixture(t, nil)
	j, err := s.lib.CreateDownload(s.sender, dam.DownloadRequest{AssetIDs: s.all(), SendTo: []string{
		"EDITOR@example.com", s.viewer.ID, "sender@example.com", " viewer@example.com "}})
	require.NoError(t, err)
	assert.Equal(t, dam.JobReady, j.Status, "the sender's own archive is served at once")
	assert.Len(t, j.Items, 4)
	require.Len(t, j.Sent, 2, "the sender and the repeated viewer are dropped")
	assert.Equal(t, dam.Sent{UserID: s.editor.ID, Email: "editor@example.com", JobID: j.Sent[0].JobID, Included: 4}, j.Sent[0])
	assert.Equal(t, dam.Sent{UserID: s.viewer.ID, Email: "viewer@example.com", JobID: j.Sent[1].JobID, Included: 2, LeftOut: 2}, j.Sent[1])
	stored, err := s.lib.Job(s.sender, j.ID)
	require.NoError(t, err)
	assert.Equal(t, j.Sent, stored.Sent, "the sender's job keeps what was sent")

	n, err := s.lib.ProcessJobs(t.Context())
	require.NoError(t, err)
	assert.Equal(t, 2, n, "the worker builds the recipients' archives like any job")

	// The editor gets everything.
	ej := s.onlyJob(t, s.editor)
	assert.Equal(t, j.Sent[0].JobID, ej.ID)
	assert.Equal(t, dam.JobDone, ej.Status)
	assert.Equal(t, &dam.Sender{UserID: s.senderUser.ID, Email: "sender@example.com"}, ej.SentBy)
	assert.Empty(t, ej.Skipped)
	_, b := readPart(t, s.as(s.editor), s.lib, ej.ID, 1)
	assert.Len(t, zipFiles(t, b), 4)

	// The viewer gets the two open assets and is told about the rest; the
	// studio asset is never named to them.
	vj := s.onlyJob(t, s.viewer)
	assert.Equal(t, j.Sent[1].JobID, vj.ID)
	assert.Equal(t, dam.JobDone, vj.Status)
	require.Len(t, vj.Skipped, 2)
	assert.Equal(t, s.secret.ID, vj.Skipped[0].AssetID)
	assert.Equal(t, "launch.bin", vj.Skipped[0].Name)
	assert.Equal(t, "protected", vj.Skipped[0].Reason)
	assert.Equal(t, dam.SkippedAsset{Skipped: dam.Skipped{Reason: dam.ReasonNotAvailable, Message: "not available to you"}}, vj.Skipped[1])
	raw, err := json.Marshal(vj)
	require.NoError(t, err)
	assert.NotContains(t, string(raw), s.studio.ID)
	assert.NotContains(t, string(raw), "studio-plan")

	p, b := readPart(t, s.as(s.viewer), s.lib, vj.ID, 1)
	assert.Equal(t, "download.zip", p.Name)
	files := zipFiles(t, b)
	assert.Equal(t, map[string][]byte{
		"beach.bin": []byte(noise(1, 3000)), "forest.bin": []byte(noise(2, 5000)), "manifest.json": files["manifest.json"],
	}, files, "exactly the allowed entries and the manifest")
	assert.Contains(t, string(files["manifest.json"]), "launch.bin")
	assert.NotContains(t, string(files["manifest.json"]), "studio-plan")
	assert.NotContains(t, string(files["manifest.json"]), s.studio.ID)

	// The sender cannot see or fetch a recipient's archive.
	_, err = s.lib.Job(s.sender, vj.ID)
	assert.Equal(t, dam.NotFound, kindOf(t, err))
	_, err = s.lib.OpenPart(s.sender, vj.ID, 1)
	assert.Equal(t, dam.NotFound, kindOf(t, err))

	// Each recipient's inbox and mailbox says who sent it, with the link.
	ns, _, err := s.lib.Inbox(s.as(s.viewer), false, "", 10)
	require.NoError(t, err)
	require.Len(t, ns, 1)
	assert.Equal(t, dam.NotifyArchiveReady, ns[0].Kind)
	assert.Equal(t, "sender@example.com sent you a download", ns[0].Subject)
	assert.Equal(t, jobLinks{}.DownloadJob(vj.ID), ns[0].Link)
	for _, want := range []string{"sender@example.com", "2 items of what they sent were left out", "launch.bin: asset " + s.secret.ID + " is protected", "1 item not available to you"} {
		assert.Contains(t, ns[0].Body, want)
	}
	assert.NotContains(t, ns[0].Body, "studio-plan")
	mails := s.sink.Received()
	require.Len(t, mails, 2, "one per recipient; the sender's archive was served at once")
	byTo := map[string]parsedEmail{}
	for _, m := range mails {
		require.Len(t, m.To, 1)
		byTo[m.To[0]] = parseEmail(t, m.Data)
	}
	toViewer := byTo["viewer@example.com"]
	assert.Equal(t, "sender@example.com sent you a download", decodeHeader(t, toViewer.Header.Get("Subject")))
	for _, want := range []string{jobLinks{}.DownloadJob(vj.ID), "launch.bin", "1 item not available to you"} {
		assert.Contains(t, toViewer.Text, want)
	}
	assert.NotContains(t, toViewer.Text, "studio-plan")
	assert.Contains(t, byTo["editor@example.com"].Text, jobLinks{}.DownloadJob(ej.ID))
	assert.NotContains(t, byTo["editor@example.com"].Text, "Left out")

	// Part fetches ask the policy again, as the recipient.
	_, err = s.lib.SetAssetProtection(s.owner, s.open2.ID, dam.Protected)
	require.NoError(t, err)
	_, err = s.lib.OpenPart(s.as(s.viewer), vj.ID, 1)
	assert.Equal(t, dam.NeedsRequest, kindOf(t, err))
	_, b = readPart(t, s.as(s.editor), s.lib, ej.ID, 1)
	assert.Len(t, zipFiles(t, b), 4)
}

func TestSendArchiveNothingLeft(t *testing.T) {
	s := newSendFixture(t, nil)
	j, err := s.lib.CreateDownload(s.sender, dam.DownloadRequest{AssetIDs: []string{s.secret.ID, s.studio.ID}, SendTo: []string{s.viewer.Email}})
	require.NoError(t, err)
	require.Len(t, j.Sent, 1)
	assert.Equal(t, dam.Sent{UserID: s.viewer.ID, Email: "viewer@example.com", LeftOut: 2}, j.Sent[0], "no job, counts only")

	js, _, err := s.lib.Jobs(s.as(s.viewer), "", 10)
	require.NoError(t, err)
	assert.Empty(t, js)
	ns, _, err := s.lib.Inbox(s.as(s.viewer), false, "", 10)
	require.NoError(t, err)
	require.Len(t, ns, 1)
	assert.Equal(t, dam.NotifyArchiveEmpty, ns[0].Kind)
	assert.Contains(t, ns[0].Body, "none of its 2 items may be downloaded by you")
	assert.Contains(t, ns[0].Body, "launch.bin")
	assert.NotContains(t, ns[0].Body, "studio-plan")
	mails := s.sink.Received()
	require.Len(t, mails, 1)
	assert.Equal(t, []string{"viewer@example.com"}, mails[0].To)
	assert.Contains(t, parseEmail(t, mails[0].Data).Text, "sender@example.com sent you an archive, but none of its 2 items")
}

func TestSendArchiveRefusesUnknownRecipients(t *testing.T) {
	s := newSendFixture(t, &dam.Options{MaxSendTo: 2})
	for _, tc := range []struct {
		name, want string
		to         []string
	}{
		{"unknown email", `"nobody@example.com" is not a user`, []string{s.editor.Email, "nobody@example.com"}},
		{"unknown id", "is not a user", []string{s.viewer.ID, dam.NewID(s.clock.t)}},
		{"neither", "neither a user ID nor an email", []string{"editor"}},
		{"empty", "empty name", []string{""}},
		{"too many", "the limit is 2", []string{s.editor.Email, s.viewer.Email, "owner@example.com"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.lib.CreateDownload(s.sender, dam.DownloadRequest{AssetIDs: s.all(), SendTo: tc.to})
			assert.Equal(t, dam.Invalid, kindOf(t, err))
			assert.Contains(t, dam.ErrorMessage(err), tc.want)
		})
	}
	for _, u := range []dam.User{s.senderUser, s.editor, s.viewer} {
		js, _, err := s.lib.Jobs(s.as(u), "", 10)
		require.NoError(t, err)
		assert.Empty(t, js, "nothing is made for %s", u.Email)
	}
	assert.Empty(t, s.sink.Received())
}

func TestSendArchiveLimits(t *testing.T) {
	s := newSendFixture(t, &dam.Options{MaxSentArchives: 2, MaxConcurrentArchives: 1})
	_, err := s.lib.CreateDownload(s.sender, dam.DownloadRequest{AssetIDs: s.all(), SendTo: []string{s.editor.ID, s.viewer.ID}})
	require.NoError(t, err)

	// Two sent archives are being built: a third waits.
	_, err = s.lib.CreateDownload(s.sender, dam.DownloadRequest{AssetIDs: s.all(), SendTo: []string{s.editor.ID}})
	assert.Equal(t, dam.ResourceExhausted, kindOf(t, err))
	js, _, err := s.lib.Jobs(s.sender, "", 10)
	require.NoError(t, err)
	assert.Len(t, js, 1, "the refused request made no job of the sender's either")
	// Sending nothing but a refusal costs no slot.
	_, err = s.lib.CreateDownload(s.sender, dam.DownloadRequest{AssetIDs: []string{s.studio.ID}, SendTo: []string{s.viewer.ID}})
	require.NoError(t, err)

	// The archives sent to the viewer do not use up the viewer's own slot.
	mine, err := s.lib.CreateDownload(s.as(s.viewer), dam.DownloadRequest{AssetIDs: []string{s.open1.ID}, Async: true})
	require.NoError(t, err)
	assert.Equal(t, dam.JobQueued, mine.Status)

	_, err = s.lib.ProcessJobs(t.Context())
	require.NoError(t, err)
	_, err = s.lib.CreateDownload(s.sender, dam.DownloadRequest{AssetIDs: s.all(), SendTo: []string{s.editor.ID}})
	require.NoError(t, err, "built archives free the sender's slots")

	// A stream that sends takes its slot first: refused, it sends nothing.
	_, err = s.lib.CreateDownload(s.sender, dam.DownloadRequest{AssetIDs: s.all(), Async: true})
	require.NoError(t, err)
	_, err = s.lib.CreateDownload(s.sender, dam.DownloadRequest{AssetIDs: s.all(), Stream: true, SendTo: []string{s.viewer.ID}})
	assert.Equal(t, dam.ResourceExhausted, kindOf(t, err))
	js, _, err = s.lib.Jobs(s.as(s.viewer), "", 10)
	require.NoError(t, err)
	assert.Len(t, js, 2, "the viewer's own job and the one sent before")
}

func TestSendArchiveStream(t *testing.T) {
	s := newSendFixture(t, nil)
	j, err := s.lib.CreateDownload(s.sender, dam.DownloadRequest{AssetIDs: s.all(), Stream: true, SendTo: []string{s.viewer.ID}})
	require.NoError(t, err)
	require.Len(t, j.Sent, 1)
	vj := s.onlyJob(t, s.viewer)
	assert.Equal(t, j.Sent[0].JobID, vj.ID, "made before the stream starts")
	assert.Equal(t, dam.JobQueued, vj.Status)
	_, b := readPart(t, s.sender, s.lib, j.ID, 1)
	assert.Len(t, zipFiles(t, b), 4)
}

// Send an archive to a colleague: they get their own download job, built
// in the background, with what they may download.
func ExampleDownloadRequest_sendTo() {
	lib, owner, done := exampleLibrary("")
	defer done()
	ctx := dam.WithActor(context.Background(), owner.Actor())
	colleague, _, err := lib.CreateUser(ctx, dam.NewUser{Email: "colleague@example.com", Role: dam.RoleViewer})
	if err != nil {
		log.Fatal(err)
	}
	var ids []string
	for _, name := range []string{"hello.txt", "world.txt"} {
		a, err := lib.Upload(ctx, bytes.NewReader([]byte("content of "+name)), dam.UploadOptions{Name: name})
		if err != nil {
			log.Fatal(err)
		}
		ids = append(ids, a.ID)
	}

	job, err := lib.CreateDownload(ctx, dam.DownloadRequest{AssetIDs: ids, SendTo: []string{"colleague@example.com"}})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("sent:", job.Sent[0].Email, job.Sent[0].Included, "assets,", job.Sent[0].LeftOut, "left out")

	if _, err := lib.ProcessJobs(ctx); err != nil { // RunJobs does this in a server
		log.Fatal(err)
	}
	theirs, _, err := lib.Jobs(dam.WithActor(ctx, colleague.Actor()), "", 10)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(theirs[0].Status, "sent by", theirs[0].SentBy.Email)
	// Output:
	// sent: colleague@example.com 2 assets, 0 left out
	// done sent by owner@example.com
}

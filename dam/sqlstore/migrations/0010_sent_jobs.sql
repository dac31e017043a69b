-- Archives sent to other users (DownloadRequest.SendTo): the sender's user
-- ID, copied from the options JSON (which also keeps their email and, on
-- the sender's own job, the list of what was sent) so that the jobs a user
-- sent can be counted against their limit, and left out of the count of
-- the recipient's own downloads.

ALTER TABLE jobs ADD COLUMN sent_by TEXT NOT NULL DEFAULT '';
CREATE INDEX jobs_sent_by ON jobs (sent_by, status);

package main

import (
	"context"
	"strings"
	"sync"

	"github.com/damkit/damkit/client"
	"github.com/damkit/damkit/dam"
)

// folderTree is the library's folders as the caller sees them, to find a
// folder by path and to recreate a local tree.
type folderTree struct {
	c     *client.Client
	mu    sync.Mutex
	byID  map[string]dam.Folder
	child map[[2]string]string // {parent ID, name} → ID
}

func loadFolders(ctx context.Context, c *client.Client) (*folderTree, error) {
	fs, err := c.Folders(ctx)
	if err != nil {
		return nil, err
	}
	t := &folderTree{c: c, byID: map[string]dam.Folder{}, child: map[[2]string]string{}}
	for _, f := range fs {
		t.add(f)
	}
	return t, nil
}

func (t *folderTree) add(f dam.Folder) {
	t.byID[f.ID] = f
	t.child[[2]string{f.ParentID, f.Name}] = f.ID
}

// resolve finds a folder by ID or by path of names from the root ("" or
// "/" is the root).
func (t *folderTree) resolve(arg string) (string, error) {
	if arg == "" || arg == "/" {
		return "", nil
	}
	if _, ok := t.byID[arg]; ok {
		return arg, nil
	}
	id := ""
	for name := range strings.SplitSeq(strings.Trim(arg, "/"), "/") {
		next, ok := t.child[[2]string{id, name}]
		if !ok {
			return "", dam.E("damkit", dam.NotFound, "no folder %q (by ID or path)", arg)
		}
		id = next
	}
	return id, nil
}

// path is a folder's path of names, "/" for the root.
func (t *folderTree) path(id string) string {
	var names []string
	for seen := 0; id != "" && seen < 256; seen++ {
		f, ok := t.byID[id]
		if !ok {
			break
		}
		names = append([]string{f.Name}, names...)
		id = f.ParentID
	}
	return "/" + strings.Join(names, "/")
}

// ensure returns the folder at the names under parent, creating the
// missing ones (a folder another run made meanwhile is found, not doubled).
func (t *folderTree) ensure(ctx context.Context, parent string, names []string) (string, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	id := parent
	for _, name := range names {
		if next, ok := t.child[[2]string{id, name}]; ok {
			id = next
			continue
		}
		f, err := t.c.CreateFolder(ctx, name, id, "")
		if dam.KindOf(err) == dam.AlreadyExists {
			fs, lerr := t.c.Folders(ctx)
			if lerr != nil {
				return "", lerr
			}
			for _, f := range fs {
				t.add(f)
			}
			if next, ok := t.child[[2]string{id, name}]; ok {
				id = next
				continue
			}
		}
		if err != nil {
			return "", err
		}
		t.add(f)
		id = f.ID
	}
	return id, nil
}

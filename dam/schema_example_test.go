package dam_test

import (
	"context"
	"fmt"
	"log"
	"strings"

	"github.com/damkit/damkit/dam"
)

// A metadata schema gives every asset typed custom fields: uploads and
// edits that do not fit are refused with the field named, and values are
// kept in one spelling.
func ExampleLibrary_SetMetadataSchema() {
	lib, owner, done := exampleLibrary("Ann")
	defer done()
	ctx := dam.WithActor(context.Background(), owner.Actor())

	cur, err := lib.MetadataSchema(ctx)
	if err != nil {
		log.Fatal(err)
	}
	_, err = lib.SetMetadataSchema(ctx, dam.MetadataSchema{Version: cur.Version, Fields: []dam.SchemaField{
		{Key: "client", Label: "Client", Type: dam.FieldText, Required: true},
		{Key: "usage", Label: "Usage", Type: dam.FieldMultiSelect, Options: []string{"Web", "Print", "TV"}},
	}})
	if err != nil {
		log.Fatal(err)
	}
	_, err = lib.Upload(ctx, strings.NewReader("a"), dam.UploadOptions{Name: "a.txt"})
	fmt.Println(dam.ErrorMessage(err))
	a, err := lib.Upload(ctx, strings.NewReader("b"), dam.UploadOptions{Name: "b.txt",
		Meta: &dam.Metadata{Fields: map[string]string{"client": "Acme", "usage": "tv, web"}}})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(a.Meta.Fields["usage"])
	// Output:
	// field "client" (Client) is required
	// Web, TV
}

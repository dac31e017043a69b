package dam_test

import (
	"context"
	"fmt"
	"log"

	"github.com/damkit/damkit/dam"
)

// The owners turn email for finished downloads off by default; one user
// turns it back on for themselves and off for download requests. The
// in-app inbox gets every notification whatever they choose.
func ExampleLibrary_SetNotificationPreferences() {
	lib, owner, done := exampleLibrary("")
	defer done()
	ctx := dam.WithActor(context.Background(), owner.Actor())
	settings, err := lib.Settings(ctx)
	if err != nil {
		log.Fatal(err)
	}
	settings.EmailNotifications[dam.PrefArchiveReady] = false
	if _, err := lib.UpdateSettings(ctx, settings); err != nil {
		log.Fatal(err)
	}

	yes, no := true, false
	prefs, err := lib.SetNotificationPreferences(ctx, map[dam.PreferenceKind]*bool{
		dam.PrefArchiveReady:    &yes,
		dam.PrefRequestReceived: &no,
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, p := range prefs {
		choice := "default"
		if p.Choice != nil {
			choice = fmt.Sprint(*p.Choice)
		}
		fmt.Printf("%-16s choice=%-7s library=%-5v email=%v\n", p.Kind, choice, p.LibraryDefault, p.Effective)
	}
	// Output:
	// request_received choice=false   library=true  email=false
	// request_decided  choice=default library=true  email=true
	// share_invitation choice=default library=true  email=true
	// share_expiring   choice=default library=true  email=true
	// archive_ready    choice=true    library=false email=true
}

package dam_test

import (
	"context"
	"fmt"
	"log"
	"strings"

	"github.com/damkit/damkit/dam"
)

// Categories classify assets apart from folders: an asset is in any number
// of them, and listing a category takes in its subcategories.
func ExampleLibrary_CreateCategory() {
	lib, owner, done := exampleLibrary("Ann")
	defer done()
	ctx := dam.WithActor(context.Background(), owner.Actor())

	products, err := lib.CreateCategory(ctx, "Products", "")
	if err != nil {
		log.Fatal(err)
	}
	shoes, err := lib.CreateCategory(ctx, "Shoes", products.ID)
	if err != nil {
		log.Fatal(err)
	}
	spring, err := lib.CreateCategory(ctx, "Spring campaign", "")
	if err != nil {
		log.Fatal(err)
	}
	// Categorised at upload, and added to one more category afterwards.
	a, err := lib.Upload(ctx, strings.NewReader("a red shoe"), dam.UploadOptions{Name: "shoe.txt", Categories: []string{shoes.ID}})
	if err != nil {
		log.Fatal(err)
	}
	if _, err := lib.AddToCategory(ctx, spring.ID, []string{a.ID}); err != nil {
		log.Fatal(err)
	}

	inProducts, _, err := lib.Assets(ctx, dam.AssetQuery{CategoryID: products.ID})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("in Products and its subcategories:", len(inProducts))

	// Removing an asset from a category does not delete it.
	if _, err := lib.RemoveFromCategory(ctx, spring.ID, []string{a.ID}); err != nil {
		log.Fatal(err)
	}
	a, err = lib.Asset(ctx, a.ID)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("still in", len(a.Categories), "category")
	cs, err := lib.Categories(ctx)
	if err != nil {
		log.Fatal(err)
	}
	for _, c := range cs {
		fmt.Printf("%s: %d\n", c.Name, c.AssetCount)
	}
	// Output:
	// in Products and its subcategories: 1
	// still in 1 category
	// Products: 0
	// Shoes: 1
	// Spring campaign: 0
}

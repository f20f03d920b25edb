package shipping

import (
	"embed"
	"io/fs"
	"path"
)

//go:embed ratecards/*.csv
var sampleFiles embed.FS

// SampleFiles are the demo's rate card files (ratecards/*.csv), for `oms carriers import` or
// the seed to read as a person's files would be read.
func SampleFiles() fs.FS {
	sub, err := fs.Sub(sampleFiles, "ratecards")
	if err != nil {
		panic(err) // the directory is embedded; a failure is a build mistake
	}
	return sub
}

// SampleCards are the demo's rate cards, read and checked: DHL Express, UPS, and PostNL's 2026
// card with its 2027 successor. The files are part of the build and a test reads them, so a
// bad one is a programming mistake and panics.
func SampleCards() []RateCard {
	names, err := fs.Glob(sampleFiles, "ratecards/*.csv")
	if err != nil {
		panic(err)
	}
	cards := make([]RateCard, 0, len(names))
	for _, name := range names {
		data, err := sampleFiles.ReadFile(name)
		if err != nil {
			panic(err)
		}
		card, err := ReadRateCard(path.Base(name), data)
		if err != nil {
			panic(err)
		}
		cards = append(cards, card)
	}
	return cards
}

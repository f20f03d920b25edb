// Command oms is an order management system for warehouses and back offices, run in a terminal.
// See README.md; the commands live in package cli.
package main

import (
	"os"

	"oms/cli"
)

func main() { os.Exit(cli.Execute(os.Args[1:])) }

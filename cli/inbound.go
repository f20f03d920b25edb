package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"oms/db"
	"oms/db/inbound"
	"oms/model"
)

// Inbound and moves (issue 16, db/inbound): suppliers and purchase orders, receiving against a
// PO, putaway, moves, transfers between warehouses and adjustments.

func newInboundCmds(g *globals) []*cobra.Command {
	return []*cobra.Command{newSuppliersCmd(g), newPOCmd(g), newASNCmd(g), newTransferCmd(g), newPutawayCmd(g), newMoveCmd(g), newAdjustCmd(g)}
}

// withInbound opens the database for one inbound command.
func withInbound(cmd *cobra.Command, g *globals, fn func(ctx context.Context, st *inbound.Store, out io.Writer) error) error {
	d, err := g.openMigrated(cmd.Context(), db.Config{AppName: "oms " + cmd.Parent().Name(), MaxConns: 1})
	if err != nil {
		return err
	}
	defer d.Close()
	return fn(cmd.Context(), inbound.New(d), cmd.OutOrStdout())
}

// atLeastOne refuses a command without its first argument and at least one more.
func atLeastOne(first, more string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		switch {
		case first != "" && len(args) == 0:
			return usageError{fmt.Errorf("%s needs %s and at least one %s", cmd.CommandPath(), first, more)}
		case first != "" && len(args) == 1 || first == "" && len(args) == 0:
			return usageError{fmt.Errorf("%s needs at least one %s", cmd.CommandPath(), more)}
		}
		return nil
	}
}

func parseDay(flag, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return d, usageError{fmt.Errorf("--%s %q is not a day (YYYY-MM-DD)", flag, s)}
	}
	return d, nil
}

func parseCount(what, s string) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		return 0, usageError{fmt.Errorf("%s %q is not a number of units (1 or more)", what, s)}
	}
	return n, nil
}

// ───────────────────────────── suppliers ─────────────────────────────

func newSuppliersCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "suppliers",
		Short: "Suppliers purchase orders are placed with",
		Args:  subcommandArgs("add or list"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return usageError{errors.New("say what to do: oms suppliers add|list (see oms suppliers --help)")}
		},
	}
	var country, currency string
	add := &cobra.Command{
		Use:     "add CODE NAME --country CC --currency CUR",
		Short:   "Add a supplier (the back office's)",
		Example: `  oms suppliers add ACME "Acme Supplies" --country NL --currency EUR`,
		Args:    exactly("CODE", "NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if country == "" || currency == "" {
				return usageError{errors.New("say where the supplier is and what it charges in: --country CC --currency CUR")}
			}
			return withInbound(cmd, g, func(ctx context.Context, st *inbound.Store, out io.Writer) error {
				sp := inbound.Supplier{Code: args[0], Name: args[1], Country: country, Currency: currency}
				if err := st.AddSupplier(ctx, "", sp); err != nil {
					return err
				}
				fmt.Fprintf(out, "supplier %s: %s (%s, %s)\n", strings.ToUpper(args[0]), args[1], strings.ToUpper(country), strings.ToUpper(currency))
				return nil
			})
		},
	}
	add.Flags().StringVar(&country, "country", "", "the supplier's country (ISO 3166 code)")
	add.Flags().StringVar(&currency, "currency", "", "the currency its purchase orders are priced in")
	list := &cobra.Command{
		Use:   "list",
		Short: "List the suppliers, one a line",
		Args:  exactly(),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withInbound(cmd, g, func(ctx context.Context, st *inbound.Store, out io.Writer) error {
				sps, err := st.Suppliers(ctx)
				for _, s := range sps {
					fmt.Fprintf(out, "%s %s %s %s\n", s.Code, s.Country, s.Currency, s.Name)
				}
				return err
			})
		},
	}
	cmd.AddCommand(add, list)
	return cmd
}

// ───────────────────────────── purchase orders ─────────────────────────────

func newPOCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "po",
		Short: "Purchase orders: create, show, receive against, close short",
		Args:  subcommandArgs("create, show, receive or close"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return usageError{errors.New("say what to do: oms po create|show|receive|close (see oms po --help)")}
		},
	}
	cmd.AddCommand(newPOCreateCmd(g), newPOShowCmd(g), newPOReceiveCmd(g), newPOCloseCmd(g))
	return cmd
}

var poLineArg = regexp.MustCompile(`^([^=@\s]+)=([0-9]+)(?:@([0-9]+(?:\.[0-9]+)?))?$`)

func newPOCreateCmd(g *globals) *cobra.Command {
	var supplier, warehouse, expected, note string
	cmd := &cobra.Command{
		Use:   "create --supplier CODE --warehouse CODE SKU=QTY[@COST]...",
		Short: "Create a purchase order (the back office's) and print its number",
		Long: `Creates a purchase order with the supplier for the warehouse: one SKU=QTY a line, with the unit
cost in the supplier's currency after @ (default: the product's unit cost when the supplier
charges in the company's currency). Prints the PO's number.`,
		Example: "  oms po create --supplier ACME --warehouse RTM1 TEE-1=100@4.50 MUG-1=24",
		Args:    atLeastOne("", "SKU=QTY[@COST]"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if supplier == "" || warehouse == "" {
				return usageError{errors.New("say who supplies and where to: --supplier CODE --warehouse CODE")}
			}
			day, err := parseDay("expected", expected)
			if err != nil {
				return err
			}
			return withInbound(cmd, g, func(ctx context.Context, st *inbound.Store, out io.Writer) error {
				var cur model.Currency
				req := inbound.PORequest{Supplier: supplier, Warehouse: warehouse, Expected: day, Note: note}
				for _, a := range args {
					m := poLineArg.FindStringSubmatch(a)
					if m == nil {
						return usageError{fmt.Errorf("%q is not SKU=QTY or SKU=QTY@COST", a)}
					}
					qty, err := parseCount("the quantity of "+m[1], m[2])
					if err != nil {
						return err
					}
					line := inbound.POLineRequest{SKU: m[1], Qty: qty}
					if m[3] != "" {
						if cur == "" {
							if cur, err = supplierCurrency(ctx, st, supplier); err != nil {
								return err
							}
						}
						money, err := model.ParseMoney(m[3], cur)
						if err != nil {
							return usageError{fmt.Errorf("the cost of %s: %w", m[1], err)}
						}
						line.CostMinor = &money.Minor
					}
					req.Lines = append(req.Lines, line)
				}
				po, err := st.CreatePO(ctx, "", req)
				if err != nil {
					return err
				}
				fmt.Fprintln(out, po.Number)
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&supplier, "supplier", "", "the supplier's code")
	cmd.Flags().StringVar(&warehouse, "warehouse", "", "the warehouse the goods go to")
	cmd.Flags().StringVar(&expected, "expected", "", "the day the goods are expected (YYYY-MM-DD)")
	cmd.Flags().StringVar(&note, "note", "", "a note on the PO")
	return cmd
}

func supplierCurrency(ctx context.Context, st *inbound.Store, code string) (model.Currency, error) {
	sps, err := st.Suppliers(ctx)
	if err != nil {
		return "", err
	}
	for _, s := range sps {
		if strings.EqualFold(s.Code, strings.TrimSpace(code)) {
			return model.LookupCurrency(s.Currency)
		}
	}
	return "", fmt.Errorf("there is no supplier %s: add it with oms suppliers add", strings.ToUpper(code))
}

func newPOShowCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:     "show NUMBER",
		Short:   "Print a purchase order: a line for the PO, then one per line",
		Example: "  oms po show PO-000001",
		Args:    exactly("NUMBER"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withInbound(cmd, g, func(ctx context.Context, st *inbound.Store, out io.Writer) error {
				po, err := st.PO(ctx, args[0])
				if err != nil {
					return err
				}
				expected := ""
				if po.Expected != nil {
					expected = " expected " + po.Expected.Format(time.DateOnly)
				}
				closed := ""
				if po.CloseReason != "" {
					closed = ": " + po.CloseReason
				}
				fmt.Fprintf(out, "%s %s → %s %s%s%s\n", po.Number, po.Supplier, po.Warehouse, po.Status, expected, closed)
				cur, err := model.LookupCurrency(po.Currency)
				for _, l := range po.Lines {
					cost := fmt.Sprintf("%d %s", l.CostMinor, po.Currency)
					if err == nil {
						cost = model.Money{Minor: l.CostMinor, Currency: cur}.String()
					}
					fmt.Fprintf(out, "%d %s ordered %d received %d damaged %d open %d at %s\n",
						l.LineNo, l.SKU, l.Ordered, l.Received, l.Damaged, l.Open, cost)
				}
				return nil
			})
		},
	}
}

func newPOReceiveCmd(g *globals) *cobra.Command {
	var lot, expires string
	var damaged bool
	cmd := &cobra.Command{
		Use:   "receive NUMBER SKU QTY [--lot L --expires D --damaged]",
		Short: "Receive scanned units against a purchase order (stock's work)",
		Long: `Receives units into the warehouse's receiving location (--damaged: its quarantine) against
the PO, with the lot and its expiry for lot-tracked products. More than the warehouse's
over-receipt tolerance is refused.`,
		Example: "  oms po receive PO-000001 TEE-1 24\n  oms po receive PO-000001 MILK-1 20 --lot L2701 --expires 2027-03-01",
		Args:    exactly("NUMBER", "SKU", "QTY"),
		RunE: func(cmd *cobra.Command, args []string) error {
			qty, err := parseCount("QTY", args[2])
			if err != nil {
				return err
			}
			day, err := parseDay("expires", expires)
			if err != nil {
				return err
			}
			return withInbound(cmd, g, func(ctx context.Context, st *inbound.Store, out io.Writer) error {
				r, err := st.Receive(ctx, "", inbound.Receipt{PO: args[0], Scan: args[1], Qty: qty, Lot: lot, Expires: day, Damaged: damaged})
				if err != nil {
					return err
				}
				lotText := ""
				if r.Lot != "" {
					lotText = " lot " + r.Lot
				}
				fmt.Fprintf(out, "%s: %d × %s%s into %s; line %d has %d received, %d open; %s\n",
					r.PO, r.Received, r.SKU, lotText, r.Place, r.Line, r.LineReceived, r.Open, strings.ReplaceAll(r.Status, "_", " "))
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&lot, "lot", "", "the lot on the units")
	cmd.Flags().StringVar(&expires, "expires", "", "the lot's expiry (YYYY-MM-DD)")
	cmd.Flags().BoolVar(&damaged, "damaged", false, "the units arrived damaged: into quarantine")
	return cmd
}

func newPOCloseCmd(g *globals) *cobra.Command {
	var reason string
	cmd := &cobra.Command{
		Use:     "close NUMBER --reason TEXT",
		Short:   "Close a purchase order short: the units not received are not coming (the back office's)",
		Example: `  oms po close PO-000001 --reason "supplier out of stock"`,
		Args:    exactly("NUMBER"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withInbound(cmd, g, func(ctx context.Context, st *inbound.Store, out io.Writer) error {
				status, err := st.ClosePO(ctx, "", args[0], reason)
				if err != nil {
					return err
				}
				fmt.Fprintf(out, "%s is %s\n", strings.ToUpper(args[0]), status)
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&reason, "reason", "", "why it closes short")
	return cmd
}

// ───────────────────────────── transfers ─────────────────────────────

func newTransferCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "transfer",
		Short: "Transfers between warehouses: create, ship, receive, show, write off",
		Args:  subcommandArgs("create, ship, receive, show or write-off"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return usageError{errors.New("say what to do: oms transfer create|ship|receive|show|write-off (see oms transfer --help)")}
		},
	}
	var from, to, note string
	create := &cobra.Command{
		Use:     "create --from W --to W SKU=QTY...",
		Short:   "Create a transfer and print its number",
		Example: "  oms transfer create --from RTM1 --to BER-M TEE-1=10",
		Args:    atLeastOne("", "SKU=QTY"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if from == "" || to == "" {
				return usageError{errors.New("say between which warehouses: --from W --to W")}
			}
			units, err := inbound.ParseUnits(args)
			if err != nil {
				return usageError{err}
			}
			req := inbound.TransferRequest{From: from, To: to, Note: note}
			for _, u := range units {
				req.Lines = append(req.Lines, inbound.TransferLineRequest{SKU: u.SKU, Qty: u.Qty})
			}
			return withInbound(cmd, g, func(ctx context.Context, st *inbound.Store, out io.Writer) error {
				t, err := st.CreateTransfer(ctx, "", req)
				if err != nil {
					return err
				}
				fmt.Fprintln(out, t.Number)
				return nil
			})
		},
	}
	create.Flags().StringVar(&from, "from", "", "the warehouse the units leave")
	create.Flags().StringVar(&to, "to", "", "the warehouse they go to")
	create.Flags().StringVar(&note, "note", "", "a note on the transfer")
	move := func(use, short string, do func(ctx context.Context, st *inbound.Store, number string, units []inbound.Units) (inbound.TransferMoved, error)) *cobra.Command {
		return &cobra.Command{
			Use:   use + " NUMBER [SKU=QTY...]",
			Short: short,
			Args:  atLeastOne("", "NUMBER"),
			RunE: func(cmd *cobra.Command, args []string) error {
				var units []inbound.Units
				if len(args) > 1 {
					var err error
					if units, err = inbound.ParseUnits(args[1:]); err != nil {
						return usageError{err}
					}
				}
				return withInbound(cmd, g, func(ctx context.Context, st *inbound.Store, out io.Writer) error {
					m, err := do(ctx, st, args[0], units)
					if err != nil {
						return err
					}
					switch use {
					case "ship":
						fmt.Fprintf(out, "%s: %d shipped; %s\n", m.Transfer, m.Shipped, strings.ReplaceAll(m.Status, "_", " "))
					default:
						fmt.Fprintf(out, "%s: %d received, %d in transit; %s\n", m.Transfer, m.Received, m.InTransit, strings.ReplaceAll(m.Status, "_", " "))
					}
					return nil
				})
			},
		}
	}
	ship := move("ship", "Ship a transfer's units (default: all not shipped) from the source's bins into transit",
		func(ctx context.Context, st *inbound.Store, n string, u []inbound.Units) (inbound.TransferMoved, error) {
			return st.Ship(ctx, "", n, u)
		})
	receive := move("receive", "Receive what arrived of a transfer (default: everything in transit) into the destination's receiving",
		func(ctx context.Context, st *inbound.Store, n string, u []inbound.Units) (inbound.TransferMoved, error) {
			return st.ReceiveTransfer(ctx, "", n, u)
		})
	show := &cobra.Command{
		Use:   "show NUMBER",
		Short: "Print a transfer: a line for it, then one per line, with what is in transit",
		Args:  exactly("NUMBER"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withInbound(cmd, g, func(ctx context.Context, st *inbound.Store, out io.Writer) error {
				t, err := st.Transfer(ctx, args[0])
				if err != nil {
					return err
				}
				fmt.Fprintf(out, "%s %s → %s %s, %d in transit\n", t.Number, t.From, t.To, strings.ReplaceAll(t.Status, "_", " "), t.InTransit)
				for _, l := range t.Lines {
					lot := ""
					if l.Lot != "" {
						lot = " lot " + l.Lot
					}
					fmt.Fprintf(out, "%d %s%s qty %d shipped %d received %d written off %d in transit %d\n",
						l.LineNo, l.SKU, lot, l.Qty, l.Shipped, l.Received, l.WrittenOff, l.InTransit)
				}
				return nil
			})
		},
	}
	var reason string
	writeOff := &cobra.Command{
		Use:   "write-off NUMBER --reason TEXT",
		Short: "Write off what a received transfer still has in transit (lost on the way)",
		Args:  exactly("NUMBER"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if strings.TrimSpace(reason) == "" {
				return usageError{errors.New("say why the units are written off: --reason TEXT")}
			}
			return withInbound(cmd, g, func(ctx context.Context, st *inbound.Store, out io.Writer) error {
				m, err := st.WriteOff(ctx, "", args[0], reason)
				if err != nil {
					return err
				}
				fmt.Fprintf(out, "%s: %d written off; %s\n", m.Transfer, m.WrittenOff, strings.ReplaceAll(m.Status, "_", " "))
				return nil
			})
		},
	}
	writeOff.Flags().StringVar(&reason, "reason", "", "why the units are written off")
	cmd.AddCommand(create, ship, receive, show, writeOff)
	return cmd
}

// ───────────────────────────── putaway and moves ─────────────────────────────

func newPutawayCmd(g *globals) *cobra.Command {
	var from, to, lot string
	cmd := &cobra.Command{
		Use:   "putaway WAREHOUSE SKU QTY [--to BIN]",
		Short: "Put received units away into a bin; without --to, print where they should go",
		Example: "  oms putaway RTM1 TEE-1 24            # prints the suggested bin\n" +
			"  oms putaway RTM1 TEE-1 24 --to A-01  # the bin scanned",
		Args: exactly("WAREHOUSE", "SKU", "QTY"),
		RunE: func(cmd *cobra.Command, args []string) error {
			qty, err := parseCount("QTY", args[2])
			if err != nil {
				return err
			}
			return withInbound(cmd, g, func(ctx context.Context, st *inbound.Store, out io.Writer) error {
				if to == "" {
					s, err := st.SuggestPutaway(ctx, args[0], args[1])
					if err != nil {
						return err
					}
					fmt.Fprintf(out, "%s: put %d × %s into %s (%s)\n", strings.ToUpper(args[0]), qty, strings.ToUpper(args[1]), s.Bin, s.Why)
					return nil
				}
				m, err := st.Putaway(ctx, "", inbound.Move{Warehouse: args[0], From: from, To: to, Scan: args[1], Qty: qty, Lot: lot})
				if err != nil {
					return err
				}
				fmt.Fprintf(out, "%d × %s %s → %s\n", m.Qty, m.SKU, m.From, m.To)
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&from, "from", "RECEIVING", "the receiving or staging location the units are in")
	cmd.Flags().StringVar(&to, "to", "", "the bin scanned")
	cmd.Flags().StringVar(&lot, "lot", "", "the lot, when the location holds more than one")
	return cmd
}

func newMoveCmd(g *globals) *cobra.Command {
	var lot string
	cmd := &cobra.Command{
		Use:     "move WAREHOUSE FROM-BIN TO-BIN SKU QTY",
		Short:   "Move units from one bin to another of a warehouse",
		Example: "  oms move RTM1 A-01 A-03 TEE-1 5",
		Args:    exactly("WAREHOUSE", "FROM-BIN", "TO-BIN", "SKU", "QTY"),
		RunE: func(cmd *cobra.Command, args []string) error {
			qty, err := parseCount("QTY", args[4])
			if err != nil {
				return err
			}
			return withInbound(cmd, g, func(ctx context.Context, st *inbound.Store, out io.Writer) error {
				m, err := st.MoveStock(ctx, "", inbound.Move{Warehouse: args[0], From: args[1], To: args[2], Scan: args[3], Qty: qty, Lot: lot})
				if err != nil {
					return err
				}
				fmt.Fprintf(out, "%d × %s %s → %s\n", m.Qty, m.SKU, m.From, m.To)
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&lot, "lot", "", "the lot, when the bin holds more than one")
	return cmd
}

// ───────────────────────────── adjustments ─────────────────────────────

var signedQty = regexp.MustCompile(`^[-+]?[0-9]+$`)

func newAdjustCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "adjust WAREHOUSE LOCATION SKU ±QTY --reason CODE [--lot L --note TEXT]",
		Short: "Adjust stock for a reason; above the warehouse's value a supervisor approves",
		Long: `Adds (+QTY, found) or takes away (-QTY, lost, damaged, expired) units of a product at a
place of a warehouse, for a reason of kind adjustment (ADJ_FOUND, ADJ_LOST, ADJ_DAMAGED,
ADJ_EXPIRED, …). Worth more than the warehouse's approval value (units × the product's unit
cost) it waits for a supervisor other than you: oms adjust approve ID.`,
		Example: "  oms adjust RTM1 A-01 TEE-1 -3 --reason ADJ_DAMAGED\n  oms adjust approve 12",
		// A negative quantity is not a flag: the arguments are read here.
		DisableFlagParsing: true,
		RunE: func(cmd *cobra.Command, raw []string) error {
			var reason, lot, note string
			help := false
			fs := pflag.NewFlagSet("adjust", pflag.ContinueOnError)
			fs.SetOutput(io.Discard)
			fs.StringVar(&reason, "reason", "", "")
			fs.StringVar(&lot, "lot", "", "")
			fs.StringVar(&note, "note", "", "")
			fs.StringVar(&g.dbURL, "db", g.dbURL, "")
			fs.StringVar(&g.logPath, "log", g.logPath, "")
			fs.BoolVarP(&help, "help", "h", false, "")
			// Signed numbers are hidden from the flag parser and put back.
			const neg = "\x00qty:"
			var args []string
			for _, a := range raw {
				if signedQty.MatchString(a) {
					a = neg + a
				}
				args = append(args, a)
			}
			if err := fs.Parse(args); err != nil {
				return usageError{err}
			}
			if help {
				return cmd.Help()
			}
			args = fs.Args()
			for i, a := range args {
				args[i] = strings.TrimPrefix(a, neg)
			}
			if err := exactly("WAREHOUSE", "LOCATION", "SKU", "±QTY")(cmd, args); err != nil {
				return err
			}
			qty, err := strconv.Atoi(args[3])
			if err != nil || qty == 0 || !signedQty.MatchString(args[3]) {
				return usageError{fmt.Errorf("±QTY %q is a number of units found (+) or lost (-), not 0", args[3])}
			}
			if reason == "" {
				return usageError{errors.New("say why: --reason ADJ_FOUND, ADJ_LOST, ADJ_DAMAGED, ADJ_EXPIRED, …")}
			}
			return withInbound(cmd, g, func(ctx context.Context, st *inbound.Store, out io.Writer) error {
				a, err := st.Adjust(ctx, "", inbound.AdjustRequest{Warehouse: args[0], Location: args[1], Scan: args[2], Qty: qty,
					Lot: lot, Reason: reason, Note: note})
				if err != nil {
					return err
				}
				printAdjusted(out, a, qty)
				return nil
			})
		},
	}
	approve := &cobra.Command{
		Use:     "approve ID",
		Short:   "Approve a pending adjustment, which posts it (a supervisor's, not the requester's)",
		Example: "  oms adjust approve 12",
		Args:    exactly("ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := strconv.ParseInt(args[0], 10, 64)
			if err != nil || id < 1 {
				return usageError{fmt.Errorf("%q is not an adjustment's number", args[0])}
			}
			return withInbound(cmd, g, func(ctx context.Context, st *inbound.Store, out io.Writer) error {
				a, err := st.Approve(ctx, "", id)
				if err != nil {
					return err
				}
				printAdjusted(out, a, 0)
				return nil
			})
		},
	}
	var rejectNote string
	reject := &cobra.Command{
		Use:   "reject ID --note TEXT",
		Short: "Reject a pending adjustment (a supervisor's, not the requester's)",
		Args:  exactly("ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := strconv.ParseInt(args[0], 10, 64)
			if err != nil || id < 1 {
				return usageError{fmt.Errorf("%q is not an adjustment's number", args[0])}
			}
			return withInbound(cmd, g, func(ctx context.Context, st *inbound.Store, out io.Writer) error {
				if err := st.Reject(ctx, "", id, rejectNote); err != nil {
					return err
				}
				fmt.Fprintf(out, "adjustment %d rejected\n", id)
				return nil
			})
		},
	}
	reject.Flags().StringVar(&rejectNote, "note", "", "why")
	var warehouse string
	pending := &cobra.Command{
		Use:   "pending",
		Short: "List the adjustments waiting for a supervisor, one a line",
		Args:  exactly(),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withInbound(cmd, g, func(ctx context.Context, st *inbound.Store, out io.Writer) error {
				as, err := st.PendingAdjustments(ctx, warehouse)
				for _, a := range as {
					fmt.Fprintf(out, "%d %s %s %s %+d %s %s by %s\n", a.ID, a.Warehouse, a.Location, a.SKU, a.Qty, a.Reason,
						moneyText(a.Value, a.Currency), a.RequestedBy)
				}
				return err
			})
		},
	}
	pending.Flags().StringVar(&warehouse, "warehouse", "", "one warehouse's (default all)")
	cmd.AddCommand(approve, reject, pending)
	return cmd
}

func moneyText(minor int64, currency string) string {
	c, err := model.LookupCurrency(currency)
	if err != nil {
		return fmt.Sprintf("%d %s", minor, currency)
	}
	return model.Money{Minor: minor, Currency: c}.String()
}

func printAdjusted(out io.Writer, a inbound.Adjusted, qty int) {
	what := fmt.Sprintf("adjustment %d: %s at %s, worth %s", a.ID, a.SKU, a.Place, moneyText(a.Value, a.Currency))
	if qty != 0 {
		what = fmt.Sprintf("adjustment %d: %+d × %s at %s, worth %s", a.ID, qty, a.SKU, a.Place, moneyText(a.Value, a.Currency))
	}
	switch a.Status {
	case "pending":
		fmt.Fprintf(out, "%s, waits for a supervisor (above %s): oms adjust approve %d\n", what, moneyText(a.Limit, a.Currency), a.ID)
	default:
		fmt.Fprintf(out, "%s, %s\n", what, a.Status)
	}
}

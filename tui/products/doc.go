// Package products is the products screen (issue 9): a list searched by SKU prefix, part of the
// name or a scanned GTIN or barcode, paged by keyset in SKU order, and a product's page with its
// dimensions, barcodes, stock per warehouse (on hand, reserved, available, in transit, on order
// and a low mark, issue 16), stock per bin and its movements, newest first, scrolled as one page
// whose bottom loads older movements. A scan that names one product opens it.
package products

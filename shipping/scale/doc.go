// Package scale reads a parcel's weight from a packing station's scale, so the packer need not
// type it. Scales speak METTLER TOLEDO's Standard Interface Command Set (MT-SICS) — which most
// shipping scales also understand — over a serial line (a device file, set to the scale's
// speed with stty) or a serial-to-network converter (TCP): oms sends "S" and the scale answers
// with its stable weight, "S S     1.256 kg". Parsing is exact: no float touches a weight.
package scale

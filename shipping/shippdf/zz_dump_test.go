package shippdf
import ("os";"testing")
func TestZZDump(t *testing.T){ l := exampleLabel(); l.To = customerUS; l.Carrier="DHL Express"; l.Service="Express Worldwide"; l.TrackingNumber="9400111899223197428490"
 os.WriteFile("/tmp/shippdf/us.pdf", renderLabel(t, l), 0o644) }

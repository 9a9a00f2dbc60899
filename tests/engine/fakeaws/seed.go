package fakeaws

// Seed adds resources that exist before any stack runs (the VPCs and subnets
// a prod stack file names), as if another team had created them.
func (s *Store) Seed(vpcs []Vpc, subnets []Subnet) error {
	return s.Update(func(c *Cloud) error {
		for i := range vpcs {
			v := vpcs[i]
			c.Vpcs[v.Id] = &v
		}
		for i := range subnets {
			sn := subnets[i]
			c.Subnets[sn.Id] = &sn
		}
		return nil
	})
}

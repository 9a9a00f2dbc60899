package fakeaws

import "fmt"

// Seed adds resources that exist before any stack runs (the VPCs and subnets
// a prod stack file names), as if another team had created them.
func (s *Store) Seed(vpcs []Vpc, subnets []Subnet) error {
	return s.Update(func(c *Cloud) error {
		for i := range vpcs {
			v := vpcs[i]
			if v.MainRouteTableId == "" {
				v.MainRouteTableId = mainTableId(&v) // every VPC has a main route table
			}
			c.Vpcs[v.Id] = &v
			c.mainTable(&v)
		}
		for i := range subnets {
			sn := subnets[i]
			c.Subnets[sn.Id] = &sn
		}
		return nil
	})
}

// SeedRestApis adds REST APIs that another tool created, each with its
// routes (and policy, if any), in the API's own account and region.
func (s *Store) SeedRestApis(apis ...RestApi) error {
	return s.Update(func(c *Cloud) error {
		for i := range apis {
			api := apis[i]
			if _, taken := c.RestApis[api.Id]; taken {
				return fmt.Errorf("fakeaws: REST API %s exists already", api.Id)
			}
			c.RestApis[api.Id] = &api
		}
		return nil
	})
}

// SeedVpcLinks adds REST API VPC links that another team created.
func (s *Store) SeedVpcLinks(links ...VpcLink) error {
	return s.Update(func(c *Cloud) error {
		if c.VpcLinks == nil {
			c.VpcLinks = map[string]*VpcLink{}
		}
		for i := range links {
			l := links[i]
			c.VpcLinks[l.Id] = &l
		}
		return nil
	})
}

// SeedSourceNat sends VPC vpc's traffic to other VPCs through a private
// NAT gateway of address addr ("" removes it; see Cloud.SourceNat):
// another team's network, which the program does not create.
func (s *Store) SeedSourceNat(scope Scope, vpc, addr string) error {
	return s.Update(func(c *Cloud) error {
		if c.SourceNat == nil {
			c.SourceNat = map[string]string{}
		}
		if addr == "" {
			delete(c.SourceNat, transitKey(scope, vpc))
		} else {
			c.SourceNat[transitKey(scope, vpc)] = addr
		}
		return nil
	})
}

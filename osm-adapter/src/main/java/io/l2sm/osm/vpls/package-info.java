/** The persistent ONOS network-configuration document of VPLS services and its validation. */
package io.l2sm.osm.vpls;

function (d, group) {
    var r = @@registry@@;
    (d.live ? r.live : r.fixed).push({name: d.name, key: d.key, order: d.order, show: d.show, layer: group});
}

"""The engagement log layer and its views: who engaged which community, how, and where the mission is silent.

- :mod:`.log`: the layer's columns and validator (importable like the other layers);
- :mod:`.views`: recency per community and IDP site, duplication between
  components, silence near rising tension, liaison-assistant coverage of bases.
"""

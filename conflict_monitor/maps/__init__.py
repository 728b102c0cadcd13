"""The folium map: layers (posts, events), offline assets, popup text and the sites over time."""

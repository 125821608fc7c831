"""The plain-Python view model behind the Streamlit pages."""

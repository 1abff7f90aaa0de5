"""`zqsite publish`: the built site onto the blog's host through rclone (see run.py)."""

# The Python example of the API documentation (pronaflow-api-v1.2.md, "SDK Examples"), verbatim
# except that the token and the server come from the environment (PRONAFLOW_API_TOKEN,
# PRONAFLOW_BASE_URL), and so does the project, PRONAFLOW_PROJECT_ID: the documentation's
# placeholder 'project_uuid' is not a project a real server knows.
import os

from pronaflow import PronaFlow

client = PronaFlow(
    api_token=os.environ['PRONAFLOW_API_TOKEN'],
    base_url=os.environ['PRONAFLOW_BASE_URL']
)

# Create task
task = client.tasks.create(
    title='Design UI',
    priority='high',
    project_id=os.environ.get('PRONAFLOW_PROJECT_ID', 'project_uuid')
)

# List projects
projects = client.projects.list()

print(f"created task {task.id} ({task.title!r}, {task.priority.value}); {projects.total} projects visible")
